import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const read = (relative: string) => readFileSync(fileURLToPath(new URL(relative, import.meta.url)), 'utf8');

function opsPerSecond(cell: string): number {
  const match = /^([\d.]+)\s*([kM]?)$/.exec(cell.trim());
  if (!match) throw new Error(`not an ops/s figure: ${cell}`);
  return Number(match[1]) * (match[2] === 'M' ? 1e6 : match[2] === 'k' ? 1e3 : 1);
}

/** Ballast ÷ pino ops/s of each table in the logger section of docs/benchmarks.md, in order. */
function benchmarkRatios(): string[] {
  const doc = read('../../../docs/benchmarks.md');
  const section = doc.slice(
    doc.indexOf('<!-- bench:logger:start -->'),
    doc.indexOf('<!-- bench:logger:end -->'),
  );
  return section
    .split(/^#### /m)
    .slice(1)
    .map((table) => {
      const rows = table.split('\n').filter((line) => line.startsWith('| '));
      const ops = (role: string, name: RegExp) => {
        const row = rows.find((line) => line.split('|')[2]?.trim() === role && name.test(line));
        return opsPerSecond(row?.split('|')[3] ?? '');
      };
      return `${(ops('ballast', /ballast/) / ops('peer', /\| pino/)).toFixed(2)}×`;
    });
}

describe('README', () => {
  it('quotes the speed ratios of docs/benchmarks.md exactly', () => {
    const readme = read('../README.md');
    const speed = readme.slice(readme.indexOf('## Speed'), readme.indexOf('## Recipes'));
    const quoted = speed
      .split('\n')
      .filter((line) => /^\| .*\|\s+[\d.]+×\s+\|$/.test(line))
      .map((line) => (line.split('|')[2] as string).trim());
    expect(quoted).toEqual(benchmarkRatios());
  });
});
