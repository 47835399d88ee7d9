import { PassThrough, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { createLogger, getLogContext, withLogContext } from '@ballast/logger';
import { describe, expect, it } from 'vitest';
import { memorySink } from './helpers.js';

function setup() {
  const sink = memorySink();
  return { sink, logger: createLogger({ sinks: [sink], base: null, timestamp: false }) };
}

describe('withLogContext', () => {
  it('adds its fields to every line inside, across await', async () => {
    const { sink, logger } = setup();
    const result = await withLogContext({ requestId: 'r-1', userId: 7 }, async () => {
      logger.info('before');
      await Promise.resolve();
      await delay(1);
      logger.child({ part: 'db' }).info('after');
      return 'done';
    });
    logger.info('outside');
    expect(result).toBe('done');
    expect(sink.lines).toEqual([
      { level: 'info', requestId: 'r-1', userId: 7, msg: 'before' },
      { level: 'info', part: 'db', requestId: 'r-1', userId: 7, msg: 'after' },
      { level: 'info', msg: 'outside' },
    ]);
  });

  it('keeps the context in timers and keeps concurrent contexts apart', async () => {
    const { sink, logger } = setup();
    const run = (id: string, ms: number) =>
      withLogContext(
        { id },
        () =>
          new Promise<void>((resolve) =>
            setTimeout(() => {
              logger.info('tick');
              resolve();
            }, ms),
          ),
      );
    await Promise.all([run('a', 5), run('b', 1), run('c', 3)]);
    expect(sink.lines.map((l) => l.id).sort()).toEqual(['a', 'b', 'c']);
  });

  it('keeps the context in stream callbacks', async () => {
    const { sink, logger } = setup();
    await withLogContext({ job: 'import' }, async () => {
      const source = new PassThrough();
      const target = new Writable({
        write(chunk, _encoding, callback) {
          logger.info({ chunk: String(chunk) }, 'chunk');
          callback();
        },
      });
      const done = pipeline(source, target);
      setImmediate(() => {
        source.write('a');
        source.end('b');
      });
      await done;
    });
    expect(sink.lines.map((l) => [l.job, l.chunk])).toEqual([
      ['import', 'a'],
      ['import', 'b'],
    ]);
  });

  it('merges nested contexts, the inner value winning, and exposes them', () => {
    const { sink, logger } = setup();
    expect(getLogContext()).toEqual({});
    withLogContext({ tenant: 't1', user: 'u1' }, () => {
      withLogContext({ user: 'u2' }, () => {
        expect(getLogContext()).toEqual({ tenant: 't1', user: 'u2' });
        logger.info('inner');
      });
    });
    expect(sink.lines[0]).toEqual({ level: 'info', tenant: 't1', user: 'u2', msg: 'inner' });
  });

  it('redacts context fields and can be turned off per logger', () => {
    const sink = memorySink();
    const quiet = memorySink();
    const logger = createLogger({ sinks: [sink], base: null, timestamp: false });
    const plain = createLogger({ sinks: [quiet], base: null, timestamp: false, context: false });
    withLogContext({ sessionToken: 'abc', password: 'p' }, () => {
      logger.info('x');
      plain.info('y');
      logger.info('z');
    });
    expect(sink.raw.join('')).not.toContain('"p"');
    expect(sink.lines[0]?.password).toBe('[REDACTED]');
    expect(quiet.lines[0]).toEqual({ level: 'info', msg: 'y' });
  });
  it('runs fn whatever the fields do: throwing getters and unlistable proxies are marked, not thrown', () => {
    const sink = memorySink();
    const logger = createLogger({ sinks: [sink], base: null, timestamp: false });
    const getter = Object.defineProperty({ ok: 1 }, 'bad', {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    });
    const { proxy, revoke } = Proxy.revocable({ a: 1 }, {});
    revoke();
    const ran: string[] = [];
    withLogContext(getter, () => {
      ran.push('getter');
      logger.info('one');
      expect(getLogContext()).toEqual({ ok: 1, bad: '[Unserializable]' });
    });
    withLogContext({ tenant: 't' }, () =>
      withLogContext(proxy, () => {
        ran.push('revoked');
        logger.info('two');
      }),
    );
    expect(ran).toEqual(['getter', 'revoked']);
    expect(sink.lines).toEqual([
      { level: 'info', ok: 1, bad: '[Unserializable]', msg: 'one' },
      { level: 'info', tenant: 't', log_context: '[Unserializable]', msg: 'two' },
    ]);
  });
});
