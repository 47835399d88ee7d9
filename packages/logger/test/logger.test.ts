import { ManualClock } from '@ballast/core/testing';
import { ConfigurationError } from '@ballast/errors';
import { createLogger, type LogSink } from '@ballast/logger';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resetReportedFailures } from '../src/sinks/sink.js';
import { memorySink } from './helpers.js';

function setup(options: Parameters<typeof createLogger>[0] = {}) {
  const sink = memorySink();
  const clock = new ManualClock({ now: 1_700_000_000_000 });
  const logger = createLogger({ base: null, clock, sinks: [sink], ...options });
  return { sink, logger, clock };
}

afterEach(() => {
  vi.restoreAllMocks();
  resetReportedFailures();
});

describe('createLogger', () => {
  it('writes one NDJSON line with level, time, name, fields and msg', () => {
    const { sink, logger } = setup({ name: 'api' });
    logger.info({ userId: 42 }, 'signed in');
    expect(sink.raw).toEqual([
      '{"level":"info","time":1700000000000,"name":"api","userId":42,"msg":"signed in"}\n',
    ]);
  });

  it('follows pino call signatures: message only, printf arguments, object only', () => {
    const { sink, logger } = setup();
    logger.info('plain');
    logger.info('hello %s, you are %d (%i) %f %j %o %O %% %x', 'ann', 42.5, 7.9, 1.5, { a: 1 }, [1], 'q');
    logger.info({ a: 1 }, 'n=%d', 3, 'extra', { b: 2 });
    logger.info({ only: true });
    const loose = logger.info.bind(logger) as (...args: unknown[]) => void;
    loose(42);
    loose(null, 'from null');
    loose(undefined);
    expect(sink.lines.map((l) => l.msg)).toEqual([
      'plain',
      'hello ann, you are 42.5 (7) 1.5 {"a":1} [1] "q" % %x',
      'n=3 extra {"b":2}',
      undefined,
      '42',
      'from null',
      undefined,
    ]);
    expect(sink.lines[3]).toMatchObject({ only: true });
  });

  it('keeps a message that is not a string after an object or error, as pino does', () => {
    const { sink, logger } = setup();
    // The types ask for a string message, as pino's do; JavaScript callers pass anything.
    const info = logger.info.bind(logger) as (...args: unknown[]) => void;
    const error = logger.error.bind(logger) as (...args: unknown[]) => void;
    info({ x: 1 }, 42);
    info({ x: 1 }, { y: 2 });
    error(new Error('e'), false);
    expect(sink.lines.map((l) => l.msg)).toEqual(['42', '{"y":2}', 'false']);
    expect(sink.lines[0]).toMatchObject({ x: 1 });
  });

  it('never throws on printf arguments that refuse to become numbers', () => {
    const { sink, logger } = setup();
    const hostile = {
      valueOf() {
        throw new Error('no');
      },
    };
    logger.info('%d %i %f', Object.create(null), Symbol('s'), hostile);
    logger.info('%d %i %f', 12345678901234567890n, -3n, 2n);
    expect(sink.lines.map((l) => l.msg)).toEqual(['NaN NaN NaN', '12345678901234567890 -3 2']);
  });

  it('puts an Error given first under err, with its message as msg unless one is given', () => {
    const { sink, logger } = setup();
    const cause = new Error('disk full');
    logger.error(new Error('save failed', { cause }));
    logger.error(new TypeError('bad'), 'while %s', 'parsing');
    const [first, second] = sink.lines;
    expect(first).toMatchObject({ msg: 'save failed', err: { name: 'Error', message: 'save failed' } });
    expect(first).toMatchObject({ err: { cause: { message: 'disk full' } } });
    expect(second).toMatchObject({ msg: 'while parsing', err: { name: 'TypeError' } });
  });

  it('serializes errors nested in fields and AggregateErrors', () => {
    const { sink, logger } = setup();
    logger.warn({ failure: new AggregateError([new Error('a'), new Error('b')], 'both') });
    const failure = sink.lines[0]?.failure as { errors: Array<{ message: string }> };
    expect(failure.errors.map((e) => e.message)).toEqual(['a', 'b']);
  });

  it('adds base fields, pid and hostname by default', () => {
    const sink = memorySink();
    createLogger({ sinks: [sink] }).info('x');
    expect(sink.lines[0]).toMatchObject({ pid: process.pid, hostname: expect.any(String) });
    const other = memorySink();
    createLogger({ sinks: [other], base: { service: 'billing' } }).info('x');
    expect(other.lines[0]).toMatchObject({ service: 'billing' });
    expect(other.lines[0]).not.toHaveProperty('pid');
  });

  it('writes ISO time, no time, or numeric levels on request', () => {
    const iso = setup({ timestamp: 'iso' });
    iso.logger.info('x');
    expect(iso.sink.lines[0]?.time).toBe('2023-11-14T22:13:20.000Z');
    const none = setup({ timestamp: false, levelFormat: 'number' });
    none.logger.warn('x');
    expect(none.sink.raw[0]).toBe('{"level":40,"msg":"x"}\n');
  });

  it('skips levels below the threshold and changes the level at runtime', () => {
    const { sink, logger } = setup({ level: 'warn' });
    logger.info('dropped');
    logger.warn('kept');
    expect(logger.isLevelEnabled('info')).toBe(false);
    logger.level = 'trace';
    expect(logger.level).toBe('trace');
    logger.trace('t');
    logger.debug('d');
    expect(logger.isLevelEnabled('trace')).toBe(true);
    expect(logger.isLevelEnabled('silent')).toBe(false);
    expect(logger.isLevelEnabled('nope' as 'info')).toBe(false);
    logger.level = 'silent';
    logger.fatal('nothing');
    expect(logger.level).toBe('silent');
    expect(sink.lines.map((l) => l.msg)).toEqual(['kept', 't', 'd']);
    expect(() => {
      logger.level = 'loud' as 'info';
    }).toThrow(ConfigurationError);
  });

  it('does no work for a disabled level: arguments are never read', () => {
    const { sink, logger } = setup({ level: 'info' });
    const fields = {
      get costly() {
        throw new Error('read');
      },
    };
    logger.debug(fields, 'never');
    expect(sink.raw).toEqual([]);
  });

  it('raises the threshold to the least severe sink level', () => {
    const sink = memorySink('error');
    const logger = createLogger({ sinks: [sink], level: 'trace' });
    expect(logger.isLevelEnabled('warn')).toBe(false);
    logger.warn('no');
    logger.error('yes');
    expect(sink.lines.map((l) => l.msg)).toEqual(['yes']);
  });

  it('sends each sink only the levels it wants', () => {
    const all = memorySink();
    const errors = memorySink('error');
    const logger = createLogger({ sinks: [all, errors], base: null });
    logger.info('i');
    logger.error('e');
    expect(all.lines.map((l) => l.msg)).toEqual(['i', 'e']);
    expect(errors.lines.map((l) => l.msg)).toEqual(['e']);
  });
});

describe('child loggers', () => {
  it('carries bindings serialized once at creation', () => {
    const { sink, logger } = setup({ name: 'api' });
    const bindings = { reqId: 'r1', user: { id: 7 } };
    const child = logger.child(bindings);
    bindings.reqId = 'changed';
    child.info({ extra: 1 }, 'hi');
    child.child({ step: 2 }).info('nested');
    expect(sink.lines[0]).toMatchObject({ name: 'api', reqId: 'r1', user: { id: 7 }, extra: 1 });
    expect(sink.lines[1]).toMatchObject({ reqId: 'r1', step: 2, msg: 'nested' });
    expect(child.name).toBe('api');
  });

  it('follows the parent level until it sets its own', () => {
    const { sink, logger } = setup({ level: 'info' });
    const child = logger.child({});
    logger.level = 'debug';
    child.debug('follows');
    child.level = 'error';
    logger.level = 'trace';
    child.warn('own level');
    expect(child.level).toBe('error');
    const fixed = logger.child({}, { level: 'fatal' });
    fixed.error('no');
    expect(sink.lines.map((l) => l.msg)).toEqual(['follows']);
  });

  it('applies per-module levels by child name', () => {
    const { sink, logger } = setup({ level: 'info', levels: { db: 'debug', http: 'error' } });
    logger.child({}, { name: 'db' }).debug('db debug');
    logger.child({ name: 'http' }).warn('http warn');
    logger.child({ name: 'http' }).error('http error');
    logger.child({}, { name: 'other' }).debug('other debug');
    logger.child({ name: 'ignored' }, { name: 'db' }).debug('option wins');
    expect(sink.lines).toMatchObject([
      { name: 'db', msg: 'db debug' },
      { name: 'http', msg: 'http error' },
      { name: 'db', msg: 'option wins' },
    ]);
    expect(sink.raw[2]?.match(/"name"/g)).toHaveLength(1);
  });

  it('redacts secrets in names: of the logger, of a child, and given in bindings', () => {
    const secret = 'hunter2SECRET';
    const { sink, logger } = setup({ name: `postgres://app:${secret}@db/app`, timestamp: false });
    logger.info('root');
    logger.child({}, { name: `Bearer abcdefghijklmnopqrstuvwxyz${secret}` }).info('option');
    logger.child({ name: `postgres://u:${secret}@h/db` }).info('bindings');
    expect(sink.raw.join('')).not.toContain(secret);
    expect(sink.lines.map((line) => line.name)).toEqual([
      'postgres://app:[REDACTED]@db/app',
      'Bearer [REDACTED]',
      'postgres://u:[REDACTED]@h/db',
    ]);
  });

  it('writes a bindings name that is not a string as _name, never as a second name', () => {
    const { sink, logger } = setup({ name: 'api', timestamp: false });
    logger.child({ name: 42 }).info('numeric');
    logger
      .child({ name: { first: 'x' } })
      .child({}, { name: 'db' })
      .info('object');
    expect(sink.raw).toEqual([
      '{"level":"info","name":"api","_name":42,"msg":"numeric"}\n',
      '{"level":"info","name":"db","_name":{"first":"x"},"msg":"object"}\n',
    ]);
  });

  it('rejects bad bindings and names', () => {
    const { logger } = setup();
    expect(() => logger.child(null as unknown as Record<string, unknown>)).toThrow(ConfigurationError);
    expect(() => logger.child({}, { name: 5 as unknown as string })).toThrow(ConfigurationError);
    expect(() => logger.child({}, { level: 'x' as 'info' })).toThrow(ConfigurationError);
  });
});

describe('sinks and lifecycle', () => {
  it('reports a failing sink once on stderr and keeps logging to the others', () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const good = memorySink();
    const bad: LogSink = {
      name: 'broken',
      write() {
        throw new Error('EPIPE');
      },
    };
    const logger = createLogger({ sinks: [bad, good] });
    logger.info('one');
    logger.info('two');
    expect(good.raw).toHaveLength(2);
    expect(stderr).toHaveBeenCalledTimes(1);
    expect(String(stderr.mock.calls[0]?.[0])).toContain('sink broken failed: EPIPE');
  });

  it('flushes and closes every sink; nothing is written after close', async () => {
    const calls: string[] = [];
    const sink: LogSink = {
      name: 's',
      write: (line) => calls.push(line),
      flush: async () => {
        calls.push('flush');
      },
      close: async () => {
        calls.push('close');
      },
      flushSync: () => calls.push('flushSync'),
    };
    const failing: LogSink = {
      name: 'failing',
      write: () => {},
      flush: () => Promise.reject(new Error('nope')),
      flushSync: () => {
        throw new Error('sync nope');
      },
    };
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const logger = createLogger({ sinks: [sink, failing], base: null, timestamp: false });
    logger.fatal('bye');
    await logger.flush();
    await logger.close();
    await logger.close();
    logger.error('late');
    expect(calls).toEqual(['{"level":"fatal","msg":"bye"}\n', 'flushSync', 'flush', 'close']);
    await logger[Symbol.asyncDispose]();
  });

  it('rejects invalid options with a ConfigurationError', () => {
    const sinks = [memorySink()];
    const bad: Array<Record<string, unknown>> = [
      { level: 'verbose' },
      { levels: { db: 'loud' } },
      { name: 3 },
      { sinks: [] },
      { sinks: [{ name: 'x' }] },
      { sinks: [{ name: 'x', write() {}, level: 'nope' }] },
      { sinks, timestamp: 'unix' },
      { sinks, levelFormat: 'emoji' },
      { sinks, context: 'yes' },
      { sinks, trace: 1 },
      { sinks, base: 'host' },
      { sinks, sampling: { debug: 2 } },
      { sinks, sampling: { loud: 0.5 } },
      { sinks, sampling: 'half' },
      { sinks, dedupe: { window: 'soon' } },
      { sinks, dedupe: 5 },
      { sinks, redact: ['a..b'] },
      { sinks, redact: { censor: 5 } },
      { sinks, redact: { patterns: ['x'] } },
      { sinks, redact: 'yes' },
    ];
    for (const options of bad) {
      expect(
        () => createLogger(options as Parameters<typeof createLogger>[0]),
        JSON.stringify(options),
      ).toThrow(ConfigurationError);
    }
  });
});
