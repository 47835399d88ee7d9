import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fileSink } from '@ballast/logger';
import { afterAll, describe, expect, it } from 'vitest';
import { runFixture } from './run-child.js';

const root = mkdtempSync(join(tmpdir(), 'ballast-logger-rotation-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 * Every line of the log, read once per generation: a rotated file still plain
 * (its compression interrupted) wins over a `.gz` beside it, which must then hold
 * the same lines; temp files of an interrupted compression are ignored.
 */
function readGenerations(dir: string): { texts: string[]; plain: string[]; temps: string[] } {
  const files = readdirSync(dir);
  const texts: string[] = [];
  for (const file of files) {
    if (file.endsWith('.tmp')) continue;
    if (file.endsWith('.gz')) {
      const text = gunzipSync(readFileSync(join(dir, file))).toString('utf8');
      const source = file.slice(0, -3);
      if (files.includes(source)) expect(text).toBe(readFileSync(join(dir, source), 'utf8'));
      else texts.push(text);
      continue;
    }
    const text = readFileSync(join(dir, file), 'utf8');
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(64 * 1024);
    texts.push(text);
  }
  return {
    texts,
    plain: files.filter((file) => /\.\d+$/.test(file)),
    temps: files.filter((file) => file.endsWith('.tmp')),
  };
}

function expectEachOnce(texts: string[], count: number): void {
  const seen = new Uint8Array(count);
  let total = 0;
  for (const text of texts) {
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const { n } = JSON.parse(line) as { n: number };
      seen[n] = (seen[n] ?? 0) + 1;
      total++;
    }
  }
  expect(total).toBe(count);
  expect(seen.every((times) => times === 1)).toBe(true);
}

describe('fileSink rotation across process.exit', () => {
  it('writes every one of 100,000 numbered lines exactly once across the rotated files', async () => {
    const dir = join(root, 'plain');
    mkdirSync(dir);
    const result = await runFixture('write-lines.ts', [join(dir, 'app.log'), '100000', '64KB']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const { texts } = readGenerations(dir);
    expect(texts.length).toBeGreaterThan(20);
    expectEachOnce(texts, 100_000);
  }, 60_000);

  it('with compress, keeps every line exactly once when exit interrupts gzip, and the next start finishes it', async () => {
    const dir = join(root, 'compress');
    mkdirSync(dir);
    const path = join(dir, 'app.log');
    const result = await runFixture('write-lines.ts', [path, '100000', '64KB', 'compress']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const before = readGenerations(dir);
    expect(before.texts.length).toBeGreaterThan(20);
    expectEachOnce(before.texts, 100_000);

    const sink = fileSink({ path, rotate: { size: '64KB', keep: 100_000, compress: true } });
    await sink.close?.();
    const after = readGenerations(dir);
    expect(after.plain).toEqual([]);
    expect(after.temps).toEqual([]);
    expectEachOnce(after.texts, 100_000);
  }, 60_000);
});

describe('fileSink rotation with several writer processes on one file', () => {
  it.each([
    { writers: 2, compress: false },
    { writers: 4, compress: false },
    { writers: 3, compress: true },
  ])(
    '$writers processes (compress: $compress) lose and duplicate none of 60,000 lines',
    async ({ writers, compress }) => {
      const dir = join(root, `shared-${writers}-${compress}`);
      mkdirSync(dir);
      const path = join(dir, 'app.log');
      const each = Math.floor(60_000 / writers);
      const results = await Promise.all(
        Array.from({ length: writers }, (_, i) =>
          runFixture('write-shared.ts', [
            path,
            String(i * each),
            String(each),
            '16KB',
            compress ? 'compress' : '',
          ]),
        ),
      );
      for (const result of results) {
        expect(result.stderr).toBe('');
        expect(result.code).toBe(0);
      }
      if (compress) {
        // What the writers left plain (an exit during gzip) the next start compresses.
        const sink = fileSink({ path, rotate: { size: '16KB', keep: 100_000, compress: true } });
        await sink.close?.();
      }
      const files = readdirSync(dir);
      expect(files.filter((file) => file.endsWith('.lock'))).toEqual([]);
      const texts: string[] = [];
      for (const file of files) {
        if (file.endsWith('.tmp')) continue;
        const bytes = readFileSync(join(dir, file));
        texts.push(file.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8'));
      }
      expect(texts.length).toBeGreaterThan(20);
      expectEachOnce(texts, each * writers);
    },
    120_000,
  );
});
