import { createLogger } from '@ballast/logger';
import { describe, expect, it } from 'vitest';
import { memorySink } from './helpers.js';

const quiet = () => {
  const sink = memorySink();
  const logger = createLogger({ sinks: [sink], base: null, timestamp: false, level: 'trace' });
  return { sink, logger };
};

describe('pino options of createLogger and child', () => {
  it('writes what a serializer returns in place of its field, leaving other fields and the input alone', () => {
    const sink = memorySink();
    const logger = createLogger({
      sinks: [sink],
      base: null,
      timestamp: false,
      serializers: { req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }) },
    });
    const req = { method: 'GET', url: '/x', socket: { huge: true } };
    logger.info({ req, other: 1 }, 'incoming');
    logger.info({ other: 2 }, 'no req');
    expect(sink.lines).toEqual([
      { level: 'info', req: { method: 'GET', url: '/x' }, other: 1, msg: 'incoming' },
      { level: 'info', other: 2, msg: 'no req' },
    ]);
    expect(req.socket).toEqual({ huge: true });
    expect(Object.keys(logger.serializers)).toEqual(['req']);
  });

  it('adds child serializers to the parent ones, the child winning, without changing the parent', () => {
    const { sink, logger } = quiet();
    const parent = logger.child({}, { serializers: { a: () => 'parent-a', b: () => 'parent-b' } });
    const child = parent.child({}, { serializers: { b: () => 'child-b' } });
    child.info({ a: 1, b: 2 });
    parent.info({ a: 1, b: 2 });
    logger.info({ a: 1, b: 2 });
    expect(sink.lines.map(({ a, b }) => [a, b])).toEqual([
      ['parent-a', 'child-b'],
      ['parent-a', 'parent-b'],
      [1, 2],
    ]);
    expect(Object.keys(child.serializers).sort()).toEqual(['a', 'b']);
    expect(logger.serializers).toEqual({});
  });

  it('applies the err serializer to an Error passed first, keeping its message as msg', () => {
    const { sink, logger } = quiet();
    const child = logger.child(
      {},
      { serializers: { err: (e: Error) => ({ kind: e.name, text: e.message }) } },
    );
    child.error(new TypeError('boom'));
    child.error(new TypeError('boom'), 'with message');
    expect(sink.lines).toEqual([
      { level: 'error', err: { kind: 'TypeError', text: 'boom' }, msg: 'boom' },
      { level: 'error', err: { kind: 'TypeError', text: 'boom' }, msg: 'with message' },
    ]);
  });

  it('writes [Unserializable] when a serializer throws, and the line still goes out', () => {
    const { sink, logger } = quiet();
    const child = logger.child(
      {},
      {
        serializers: {
          req: () => {
            throw new Error('bad serializer');
          },
        },
      },
    );
    child.info({ req: {} }, 'still here');
    expect(sink.lines).toEqual([{ level: 'info', req: '[Unserializable]', msg: 'still here' }]);
  });

  it('writes an unreadable object as the logger always does, serializers or not', () => {
    const { sink, logger } = quiet();
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    const child = logger.child({}, { serializers: { req: () => 'x' } });
    child.info(revocable.proxy, 'hostile');
    logger.info(revocable.proxy, 'hostile');
    expect(sink.lines[0]).toEqual(sink.lines[1]);
    expect(sink.lines[0]?.msg).toBe('hostile');
  });

  it('redacts a child serializer output by the logger rules', () => {
    const { sink, logger } = quiet();
    logger
      .child({}, { serializers: { req: () => ({ headers: { authorization: 'Basic abc' } }) } })
      .info({ req: 1 });
    expect(sink.lines[0]?.req).toEqual({ headers: { authorization: '[REDACTED]' } });
  });

  it('prefixes messages with msgPrefix, nested prefixes in order, and leaves lines without msg alone', () => {
    const { sink, logger } = quiet();
    const http = logger.child({}, { msgPrefix: '[http] ' });
    http.info('listening');
    http.child({}, { msgPrefix: '[auth] ' }).warn({ user: 1 }, 'denied %s', 'bob');
    http.info({ only: 'fields' });
    expect(sink.lines.map((l) => l.msg)).toEqual(['[http] listening', '[http] [auth] denied bob', undefined]);
  });

  it("adds a child's redact paths and keys to the parent's, and the parent's still hold", () => {
    const { sink, logger } = quiet();
    const child = logger.child({ email: 'a@b.c' }, { redact: ['email', 'user.phone'] });
    child.info({ user: { phone: '555', name: 'ann' }, password: 'hunter2' });
    logger.info({ user: { phone: '555' } });
    const keyed = logger.child({}, { redact: { paths: [], keys: ['ssn'] } });
    keyed.info({ deep: { SSN: '123' } });
    expect(sink.lines).toEqual([
      {
        level: 'info',
        email: '[REDACTED]',
        user: { phone: '[REDACTED]', name: 'ann' },
        password: '[REDACTED]',
      },
      { level: 'info', user: { phone: '555' } },
      { level: 'info', deep: { SSN: '[REDACTED]' } },
    ]);
  });

  it('adds redact paths to a logger with redaction off, and to one with a paths list', () => {
    const sink = memorySink();
    const off = createLogger({ sinks: [sink], base: null, timestamp: false, redact: false });
    off.child({}, { redact: ['secret'] }).info({ secret: 's', password: 'p' });
    const listed = createLogger({ sinks: [sink], base: null, timestamp: false, redact: ['a'] });
    listed.child({}, { redact: ['b'] }).info({ a: 1, b: 2, c: 3 });
    const custom = createLogger({ sinks: [sink], base: null, timestamp: false, redact: { censor: '***' } });
    custom.child({}, { redact: { paths: ['b'] } }).info({ b: 2 });
    expect(sink.lines).toEqual([
      { level: 'info', secret: '[REDACTED]', password: 'p' },
      { level: 'info', a: '[REDACTED]', b: '[REDACTED]', c: 3 },
      { level: 'info', b: '***' },
    ]);
  });

  it('returns the bindings as written, redacted, with those of the parents', () => {
    const { logger } = quiet();
    expect(logger.bindings()).toEqual({});
    const child = logger.child({ a: 1, token: 'secret-token' }).child({ b: 'two' });
    expect(child.bindings()).toEqual({ a: 1, token: '[REDACTED]', b: 'two' });
  });

  it('has a silent method that writes nothing, and a silent level', () => {
    const { sink, logger } = quiet();
    logger.silent('nothing');
    logger.level = 'silent';
    logger.fatal('nothing either');
    expect(logger.isLevelEnabled('fatal')).toBe(false);
    expect(logger.level).toBe('silent');
    expect(sink.raw).toEqual([]);
  });

  it('treats child options given as undefined as absent, as Fastify passes them', () => {
    const { sink, logger } = quiet();
    const child = logger.child({}, { logger: undefined, genReqId: undefined, level: undefined } as never);
    child.info('ok');
    expect(sink.lines).toEqual([{ level: 'info', msg: 'ok' }]);
  });

  it('rejects bad pino options with ConfigurationError naming them', () => {
    const { logger } = quiet();
    expect(() => logger.child({}, { logger: {} } as never)).toThrow(/child\.logger/);
    expect(() => logger.child({}, { serializers: 1 } as never)).toThrow(/child\.serializers/);
    expect(() => logger.child({}, { serializers: { req: 1 } } as never)).toThrow(/child\.serializers\.req/);
    expect(() => logger.child({}, { msgPrefix: 1 } as never)).toThrow(/child\.msgPrefix/);
    expect(() => logger.child({}, { redact: 'email' } as never)).toThrow(/child\.redact/);
    expect(() => logger.child({}, { redact: [1] } as never)).toThrow(/child\.redact/);
    expect(() => logger.child({}, { redact: { censor: 'x' } } as never)).toThrow(/child\.redact\.censor/);
    expect(() => logger.child({}, { redact: { keys: 'x' } } as never)).toThrow(/child\.redact\.keys/);
    expect(() => logger.child({}, 'x' as never)).toThrow(/child/);
    expect(() => createLogger({ serializers: [] as never })).toThrow(/serializers/);
  });
});
