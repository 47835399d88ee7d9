import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runFixture } from './run-child.js';

const dir = mkdtempSync(join(tmpdir(), 'ballast-logger-rotation-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fileSink rotation across process.exit', () => {
  it('writes every one of 100,000 numbered lines exactly once across the rotated files', async () => {
    const path = join(dir, 'app.log');
    const result = await runFixture('write-lines.ts', [path, '100000', '64KB']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const files = readdirSync(dir);
    expect(files.length).toBeGreaterThan(20);
    const seen = new Uint8Array(100_000);
    let total = 0;
    for (const file of files) {
      const text = readFileSync(join(dir, file), 'utf8');
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(64 * 1024);
      for (const line of text.split('\n')) {
        if (line === '') continue;
        const { n } = JSON.parse(line) as { n: number };
        seen[n] = (seen[n] ?? 0) + 1;
        total++;
      }
    }
    expect(total).toBe(100_000);
    expect(seen.every((count) => count === 1)).toBe(true);
  }, 60_000);
});
