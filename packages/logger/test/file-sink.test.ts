import { randomBytes } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ManualClock } from '@ballast/core/testing';
import { ConfigurationError } from '@ballast/errors';
import { createLogger, fileSink } from '@ballast/logger';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseSize, rotatedGenerations } from '../src/sinks/rotation.js';
import { resetReportedFailures } from '../src/sinks/sink.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ballast-file-sink-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  vi.restoreAllMocks();
  resetReportedFailures();
});

/** Every line of the current file and its rotated generations, oldest first. */
function allLines(path: string): string[] {
  const base = path.split('/').pop() as string;
  const generations = rotatedGenerations(base, readdirSync(dir)).reverse();
  const texts = generations.map((g) => {
    try {
      return readFileSync(`${path}.${g}`, 'utf8');
    } catch {
      return gunzipSync(readFileSync(`${path}.${g}.gz`)).toString('utf8');
    }
  });
  texts.push(readFileSync(path, 'utf8'));
  return texts.join('').split('\n').filter(Boolean);
}

describe('fileSink', () => {
  it('appends lines, batching them until the next turn or a flush', async () => {
    const path = join(dir, 'nested', 'app.log');
    const logger = createLogger({ base: null, timestamp: false, sinks: [fileSink({ path })] });
    logger.info('one');
    logger.info('two');
    await logger.flush();
    expect(readFileSync(path, 'utf8')).toBe('{"level":"info","msg":"one"}\n{"level":"info","msg":"two"}\n');
    logger.info('three');
    await new Promise((resolve) => setImmediate(resolve));
    expect(readFileSync(path, 'utf8')).toContain('three');
    await logger.close();
    logger.info('after close');
    expect(readFileSync(path, 'utf8')).not.toContain('after close');
  });

  it('rotates by size without losing, duplicating or reordering a line', async () => {
    const path = join(dir, 'app.log');
    const sink = fileSink({ path, rotate: { size: 200, keep: 100 } });
    const logger = createLogger({ base: null, timestamp: false, sinks: [sink] });
    for (let n = 0; n < 50; n++) logger.info({ n }, 'line');
    await logger.close();
    const numbers = allLines(path).map((line) => (JSON.parse(line) as { n: number }).n);
    expect(numbers).toEqual(Array.from({ length: 50 }, (_, n) => n));
    for (const file of readdirSync(dir))
      expect(readFileSync(join(dir, file)).length).toBeLessThanOrEqual(200);
  });

  it('keeps only the newest rotated files', async () => {
    const path = join(dir, 'app.log');
    const logger = createLogger({ sinks: [fileSink({ path, rotate: { size: 100, keep: 2 } })] });
    for (let n = 0; n < 20; n++) logger.info({ n }, 'line');
    await logger.close();
    expect(readdirSync(dir).sort()).toEqual(['app.log', 'app.log.18', 'app.log.19']);
  });

  it('continues numbering after the rotated files already present', async () => {
    const path = join(dir, 'app.log');
    writeFileSync(`${path}.7.gz`, '');
    writeFileSync(path, '{"old":true}\n');
    const logger = createLogger({ sinks: [fileSink({ path, rotate: { size: 20 } })] });
    logger.info('new');
    await logger.close();
    expect(readdirSync(dir).sort()).toEqual(['app.log', 'app.log.7.gz', 'app.log.8']);
    expect(readFileSync(`${path}.8`, 'utf8')).toBe('{"old":true}\n');
  });

  it('rotates at each interval boundary', async () => {
    const path = join(dir, 'app.log');
    const clock = new ManualClock({ now: Date.UTC(2026, 0, 1, 23, 0) });
    const logger = createLogger({
      clock,
      base: null,
      sinks: [fileSink({ path, clock, rotate: { interval: 'daily' } })],
    });
    logger.info('monday');
    await clock.advance(3_600_000);
    logger.info('tuesday');
    logger.info('tuesday again');
    await clock.advance(86_400_000);
    await logger.close();
    expect(readFileSync(`${path}.1`, 'utf8')).toContain('monday');
    expect(readFileSync(path, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);

    const hourly = join(dir, 'hourly.log');
    const sink = fileSink({ path: hourly, clock, rotate: { interval: 'hourly' } });
    sink.write('a\n', 30);
    await clock.advance(3_600_000);
    sink.write('b\n', 30);
    const every = fileSink({ path: join(dir, 'every.log'), clock, rotate: { interval: '10m' } });
    every.write('a\n', 30);
    await clock.advance(600_000);
    every.write('b\n', 30);
    await Promise.all([sink.close?.(), every.close?.()]);
    expect(readFileSync(`${hourly}.1`, 'utf8')).toBe('a\n');
    expect(readFileSync(join(dir, 'every.log.1'), 'utf8')).toBe('a\n');
  });

  it('gzips rotated files in the background', async () => {
    const path = join(dir, 'app.log');
    const logger = createLogger({
      base: null,
      sinks: [fileSink({ path, rotate: { size: 120, compress: true, keep: 50 } })],
    });
    for (let n = 0; n < 12; n++) logger.info({ n }, 'line');
    await logger.flush();
    await logger.close();
    const names = readdirSync(dir);
    expect(names.filter((name) => name.endsWith('.gz')).length).toBeGreaterThan(2);
    expect(names.filter((name) => /\.\d+$/.test(name))).toEqual([]);
    expect(allLines(path).map((line) => (JSON.parse(line) as { n: number }).n)).toEqual(
      Array.from({ length: 12 }, (_, n) => n),
    );
  });

  it('never shows a partial .gz: compresses to a temp name, renames, then deletes the source', async () => {
    const path = join(dir, 'app.log');
    const sink = fileSink({ path, rotate: { size: 4 * 1024 * 1024, compress: true } });
    // About 4 MB of incompressible lines, so gzip spans many event-loop turns.
    const lines: string[] = [];
    for (let n = 0; lines.length < 16_000; n++) {
      lines.push(`{"n":${n},"noise":"${randomBytes(192).toString('base64')}"}\n`);
    }
    for (const line of lines) sink.write(line, 30);
    sink.write('{"n":"next"}\n', 30);
    let done = false;
    const flushing = sink.flush?.().then(() => {
      done = true;
    });
    let turns = 0;
    while (!done) {
      turns++;
      for (const name of readdirSync(dir)) {
        if (!name.endsWith('.gz')) continue;
        // A partial gzip throws "unexpected end of file".
        expect(() => gunzipSync(readFileSync(join(dir, name))), name).not.toThrow();
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    await flushing;
    await sink.close?.();
    expect(turns).toBeGreaterThan(3); // compression was watched while it ran
    const rotated = readdirSync(dir).filter((name) => name !== 'app.log');
    expect(rotated).toHaveLength(1);
    expect(rotated[0]).toMatch(/^app\.log\.\d+\.gz$/);
    const gz = gunzipSync(readFileSync(join(dir, rotated[0] as string))).toString('utf8');
    expect(gz).toBe(lines.slice(0, gz.split('\n').length - 1).join(''));
    expect(gz + readFileSync(path, 'utf8')).toBe(`${lines.join('')}{"n":"next"}\n`);
  });

  it('on start-up deletes temp files of an interrupted compression and compresses what it left', async () => {
    const path = join(dir, 'app.log');
    writeFileSync(`${path}.1`, 'one\n');
    writeFileSync(`${path}.2`, 'two\n');
    writeFileSync(`${path}.2.gz.tmp`, 'partial');
    writeFileSync(`${path}.3`, 'three\n');
    writeFileSync(`${path}.3.gz`, 'not a complete gzip');
    writeFileSync(`${path}.4.gz.tmp`, 'partial');
    const plainSink = fileSink({ path: join(dir, 'plain.log'), rotate: { size: 100 } });
    await plainSink.close?.();
    const sink = fileSink({ path, rotate: { size: 100, compress: true } });
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    await sink.flush?.();
    await sink.close?.();
    expect(readdirSync(dir).sort()).toEqual([
      'app.log',
      'app.log.1.gz',
      'app.log.2.gz',
      'app.log.3.gz',
      'plain.log',
    ]);
    const text = (g: number) => gunzipSync(readFileSync(`${path}.${g}.gz`)).toString('utf8');
    expect([text(1), text(2), text(3)]).toEqual(['one\n', 'two\n', 'three\n']);
  });

  it('follows a file deleted under it, and reports a failed reopen once, then recovers', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const path = join(dir, 'app.log');
    const sink = fileSink({ path, rotate: { size: 1000 } });
    sink.write('a\n', 30);
    sink.flushSync?.();
    rmSync(path);
    sink.write('b\n', 30);
    sink.flushSync?.();
    expect(readFileSync(path, 'utf8')).toBe('b\n');
    rmSync(path);
    mkdirSync(path); // the path cannot be reopened now
    sink.write('c\n', 30);
    sink.flushSync?.();
    sink.write('d\n', 30);
    sink.flushSync?.();
    expect(stderr).toHaveBeenCalledTimes(1);
    expect(String(stderr.mock.calls[0]?.[0])).toContain(`sink file:${path} failed`);
    rmSync(path, { recursive: true });
    sink.write('e\n', 30);
    await sink.close?.();
    expect(readFileSync(path, 'utf8')).toBe('e\n');
  });

  it('never loses or duplicates a line when several sinks (as processes would) rotate one file', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 4 }),
        fc.array(
          fc.record({ writer: fc.nat(), length: fc.integer({ min: 1, max: 60 }), flush: fc.boolean() }),
          {
            minLength: 1,
            maxLength: 120,
          },
        ),
        fc.integer({ min: 40, max: 400 }),
        (writers, steps, size) => {
          const run = mkdtempSync(join(dir, 'run-'));
          const path = join(run, 'app.log');
          const sinks = Array.from({ length: writers }, () =>
            fileSink({ path, rotate: { size, keep: 10_000 } }),
          );
          const expected: string[] = [];
          steps.forEach((step, n) => {
            const sink = sinks[step.writer % writers]!;
            const line = `${n}:${'x'.repeat(step.length)}\n`;
            expected.push(line);
            sink.write(line, 30);
            if (step.flush) sink.flushSync?.();
          });
          for (const sink of sinks) sink.flushSync?.();
          const names = readdirSync(run);
          const lines = names.flatMap((name) =>
            readFileSync(join(run, name), 'utf8').split('\n').filter(Boolean),
          );
          expect(lines.sort()).toEqual(expected.map((line) => line.slice(0, -1)).sort());
          expect(names.filter((name) => name.endsWith('.lock'))).toEqual([]);
          for (const sink of sinks) void sink.close?.();
        },
      ),
      { numRuns: 60 },
    );
  });

  it('rotates once per interval boundary when several sinks share the file', async () => {
    const path = join(dir, 'app.log');
    const clock = new ManualClock({ now: Date.UTC(2026, 0, 1, 23, 0) });
    const first = fileSink({ path, clock, rotate: { interval: 'daily' } });
    const second = fileSink({ path, clock, rotate: { interval: 'daily' } });
    first.write('one\n', 30);
    second.write('two\n', 30);
    first.flushSync?.();
    second.flushSync?.();
    await clock.advance(3_600_000);
    first.write('three\n', 30);
    first.flushSync?.();
    second.write('four\n', 30);
    second.flushSync?.();
    await Promise.all([first.close?.(), second.close?.()]);
    expect(readdirSync(dir).sort()).toEqual(['app.log', 'app.log.1']);
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('one\ntwo\n');
    expect(readFileSync(path, 'utf8')).toBe('three\nfour\n');
  });

  it('skips a rotation while another process holds the lock, and takes over a stale lock', () => {
    const path = join(dir, 'app.log');
    const lock = `${path}.lock`;
    writeFileSync(lock, '999999\n');
    const sink = fileSink({ path, rotate: { size: 10 } });
    sink.write('0123456789\n', 30);
    sink.write('held\n', 30);
    sink.flushSync?.();
    expect(readdirSync(dir).sort()).toEqual(['app.log', 'app.log.lock']);
    const old = (Date.now() - 60_000) / 1000;
    utimesSync(lock, old, old);
    sink.write('after\n', 30);
    sink.flushSync?.();
    expect(readdirSync(dir).sort()).toEqual(['app.log', 'app.log.1']);
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('0123456789\nheld\n');
    expect(readFileSync(path, 'utf8')).toBe('after\n');
    void sink.close?.();
  });

  it('rejects bad options with a ConfigurationError', () => {
    const bad = [
      { path: '' },
      { path: dir },
      { path: join(dir, 'a.log'), rotate: { size: '10 parsecs' } },
      { path: join(dir, 'a.log'), rotate: { size: 0 } },
      { path: join(dir, 'a.log'), rotate: { interval: 'weekly' } },
      { path: join(dir, 'a.log'), rotate: { interval: 0 } },
      { path: join(dir, 'a.log'), rotate: { keep: -1 } },
      { path: join(dir, 'a.log'), level: 'loud' },
    ];
    for (const options of bad) {
      expect(() => fileSink(options as Parameters<typeof fileSink>[0]), JSON.stringify(options)).toThrow(
        ConfigurationError,
      );
    }
  });

  it('reads sizes in binary units', () => {
    expect(parseSize('s', '1KB')).toBe(1024);
    expect(parseSize('s', '1.5m')).toBe(1_572_864);
    expect(parseSize('s', '2 GB')).toBe(2 * 1024 ** 3);
    expect(parseSize('s', '42')).toBe(42);
    expect(parseSize('s', 42)).toBe(42);
  });
});
