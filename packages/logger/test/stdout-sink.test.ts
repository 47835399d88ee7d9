import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from '@ballast/errors';
import { createLogger, formatPretty, prettySink, stdoutSink } from '@ballast/logger';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { resetReportedFailures } from '../src/sinks/sink.js';
import { runFixture } from './run-child.js';

const dir = mkdtempSync(join(tmpdir(), 'ballast-stdout-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  vi.restoreAllMocks();
  resetReportedFailures();
});

describe('stdoutSink', () => {
  it('batches lines and writes them on the next turn, on flush and on close', async () => {
    const path = join(dir, 'out.log');
    const fd = openSync(path, 'w');
    const logger = createLogger({ base: null, timestamp: false, sinks: [stdoutSink({ fd })] });
    logger.info('a');
    expect(readFileSync(path, 'utf8')).toBe('');
    await new Promise((resolve) => setImmediate(resolve));
    expect(readFileSync(path, 'utf8')).toBe('{"level":"info","msg":"a"}\n');
    logger.info('b');
    await logger.flush();
    logger.info('c');
    await logger.close();
    logger.info('dropped');
    closeSync(fd);
    expect(readFileSync(path, 'utf8').split('\n').filter(Boolean)).toHaveLength(3);
  });

  it('prefixes each line with its syslog priority for journald', async () => {
    const path = join(dir, 'journal.log');
    const fd = openSync(path, 'w');
    const logger = createLogger({
      base: null,
      timestamp: false,
      level: 'trace',
      sinks: [stdoutSink({ fd, journald: true })],
    });
    for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const) logger[level](level);
    await logger.close();
    closeSync(fd);
    expect(
      readFileSync(path, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => line.slice(0, 3)),
    ).toEqual(['<7>', '<7>', '<6>', '<4>', '<3>', '<2>']);
  });

  it('writes large bursts at once and reports a bad descriptor once', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const path = join(dir, 'burst.log');
    const fd = openSync(path, 'w');
    const sink = stdoutSink({ fd });
    const line = `${'x'.repeat(1023)}\n`;
    for (let i = 0; i < 100; i++) sink.write(line, 30);
    expect(readFileSync(path).length).toBeGreaterThanOrEqual(64 * 1024);
    await sink.close?.();
    closeSync(fd);
    const broken = stdoutSink({ fd: 9999 });
    broken.write('x\n', 30);
    broken.flushSync?.();
    broken.write('y\n', 30);
    broken.flushSync?.();
    await broken.close?.();
    expect(stderr).toHaveBeenCalledTimes(1);
  });

  it('never blocks or loses a line on a pipe whose reader is paused', async () => {
    const fifo = join(dir, 'paused.fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const writer = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    const logger = createLogger({ base: null, timestamp: false, sinks: [stdoutSink({ fd: writer })] });
    const count = 5000;
    const pad = 'x'.repeat(200);
    const started = performance.now();
    // About 1 MB, far more than the pipe holds while nobody reads.
    for (let n = 0; n < count; n++) logger.info({ n, pad }, 'line');
    await new Promise((resolve) => setImmediate(resolve));
    expect(performance.now() - started).toBeLessThan(2000);
    let flushed = false;
    const flushing = logger.flush().then(() => {
      flushed = true;
    });
    const chunks: Buffer[] = [];
    const buffer = Buffer.alloc(65_536);
    while (!flushed || chunks.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 2));
      for (;;) {
        let read = 0;
        try {
          read = readSync(reader, buffer);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
        }
        if (read <= 0) break;
        chunks.push(Buffer.from(buffer.subarray(0, read)));
      }
    }
    await flushing;
    await logger.close();
    closeSync(writer);
    closeSync(reader);
    expect(numbered(chunks)).toEqual(Array.from({ length: count }, (_, n) => n));
  });

  it('rejects a bad fd, maxBuffer or level', () => {
    expect(() => stdoutSink({ fd: -1 })).toThrow(ConfigurationError);
    expect(() => stdoutSink({ maxBuffer: '0KB' })).toThrow(ConfigurationError);
    expect(() => stdoutSink({ level: 'x' as 'info' })).toThrow(ConfigurationError);
  });
});

describe('handleExit', () => {
  it('flushes buffered lines on process.exit', async () => {
    const { code, stdout } = await runFixture('exit-handling.ts', ['exit']);
    expect(code).toBe(3);
    expect(stdout).toBe('{"level":"info","msg":"started"}\n');
  });

  it('logs an uncaught exception as fatal before the process dies of it', async () => {
    const { code, stdout, stderr } = await runFixture('exit-handling.ts', ['throw']);
    expect(code).toBe(1);
    const lines = stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    expect(lines[1]).toMatchObject({ level: 'fatal', msg: 'uncaught exception', err: { message: 'kaboom' } });
    expect(stderr).toContain('kaboom');
  });

  it('flushes on SIGTERM and then lets the signal end the process', async () => {
    const { signal, stdout } = await runFixture('exit-handling.ts', ['sigterm']);
    expect(signal).toBe('SIGTERM');
    expect(stdout).toContain('"msg":"waiting"');
  });

  it('on process.exit writes every line to a pipe whose reader is slow', async () => {
    const fifo = join(dir, 'exit.fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const count = 5000;
    let exited = false;
    const child = runFixture('write-fifo.ts', [fifo, String(count)]).then((result) => {
      exited = true;
      return result;
    });
    const chunks: Buffer[] = [];
    const buffer = Buffer.alloc(16_384);
    for (;;) {
      // Read slowly: at most 16 KB every 5 ms, so the child meets a full pipe.
      await new Promise((resolve) => setTimeout(resolve, 5));
      let read = 0;
      try {
        read = readSync(reader, buffer);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      }
      if (read > 0) chunks.push(Buffer.from(buffer.subarray(0, read)));
      else if (exited) break;
    }
    closeSync(reader);
    const { code, stderr } = await child;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(numbered(chunks)).toEqual(Array.from({ length: count }, (_, n) => n));
  }, 30_000);

  it('can be undone', () => {
    const logger = createLogger({ sinks: [{ name: 'x', write() {} }] });
    const before = process.listenerCount('SIGTERM');
    const undo = logger.handleExit();
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    undo();
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });
});

describe('prettySink', () => {
  it('formats lines for humans, with the error stack below', () => {
    const out: string[] = [];
    const logger = createLogger({
      name: 'api',
      base: null,
      timestamp: 'iso',
      clock: { now: () => Date.UTC(2026, 0, 1, 12, 0, 1, 123) } as never,
      sinks: [prettySink({ destination: { write: (text: string) => out.push(text) } })],
    });
    logger.info({ port: 8080 }, 'listening');
    logger.error(new Error('boom'));
    expect(out[0]).toBe('12:00:01.123 INFO  api: listening { port: 8080 }\n');
    expect(out[1]).toMatch(/^12:00:01\.123 ERROR api: boom\n {2}Error: boom\n +at /);
  });

  it('colours levels, reads numeric levels and survives odd lines', () => {
    expect(formatPretty('{"level":30,"time":0,"msg":"m"}', true)).toContain('\x1b[32mINFO');
    expect(formatPretty('{"level":99,"time":"bad"}', false)).toBe('--:--:--.--- 99    \n');
    expect(formatPretty('{"level":"warn"}', false)).toMatch(/ WARN {2}\n$/);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    prettySink({ destination: { write: () => {} } }).write('not json', 30);
    expect(stderr).toHaveBeenCalledTimes(1);
  });
});

/** The `n` of every NDJSON line in what a pipe's reader received. */
function numbered(chunks: readonly Buffer[]): number[] {
  return Buffer.concat(chunks)
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { n: number }).n);
}
