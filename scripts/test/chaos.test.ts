import { describe, expect, it } from 'vitest';
import { type ChaosRow, table, withSection } from '../chaos/lib.js';

const rows: ChaosRow[] = [
  { scenario: 'a', figure: '1 lost', target: '0 lost', met: false },
  { scenario: 'b', figure: '0 lost', target: '0 lost', met: true },
];

describe('the fault campaign report', () => {
  it('prints one row per figure and marks a missed target', () => {
    expect(table(rows).split('\n')).toEqual([
      '| scenario | figure | target | met |',
      '| --- | --- | --- | --- |',
      '| a | 1 lost | 0 lost | **no** |',
      '| b | 0 lost | 0 lost | yes |',
    ]);
  });

  it('appends its section once, then replaces only that section', () => {
    const doc = '# Benchmarks\n\n<!-- bench:soak:start -->\nsoak\n<!-- bench:soak:end -->\n';
    const first = withSection(doc, rows, 'first run');
    expect(first.startsWith(doc.trimEnd())).toBe(true);
    expect(first).toContain('## Fault campaign');
    const second = withSection(`${first}\ntrailing\n`, rows.slice(1), 'second run');
    expect(second.match(/## Fault campaign/g)).toHaveLength(1);
    expect(second).toContain('second run');
    expect(second).not.toContain('first run');
    expect(second).not.toContain('| a |');
    expect(second).toContain('soak\n<!-- bench:soak:end -->');
    expect(second.endsWith('\ntrailing\n')).toBe(true);
  });
});
