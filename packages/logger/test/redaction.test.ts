import { ConfigurationError } from '@ballast/errors';
import { createLogger, withLogContext } from '@ballast/logger';
import { pseudonym } from '@ballast/redact';
import { describe, expect, it } from 'vitest';
import { memorySink } from './helpers.js';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';

function setup(
  redact?: Parameters<typeof createLogger>[0] extends infer O
    ? O extends { redact?: infer R }
      ? R
      : never
    : never,
) {
  const sink = memorySink();
  const logger = createLogger({
    sinks: [sink],
    base: null,
    timestamp: false,
    ...(redact === undefined ? {} : { redact }),
  });
  return { sink, logger };
}

describe('redaction', () => {
  it('censors the value after a secret header name in rawHeaders and rawTrailers pairs, at any depth', () => {
    const { sink, logger } = setup();
    const rawHeaders = [
      'Host',
      'api.test',
      'Authorization',
      'token 0123456789abcdef',
      'Cookie',
      'sid=s3cr3t',
    ];
    logger.info({
      req: { rawHeaders, rawTrailers: ['X-Api-Key', 'k-42'] },
      list: ['Authorization', 'visible'],
    });
    const line = sink.lines[0];
    expect(line).toMatchObject({
      req: {
        rawHeaders: ['Host', 'api.test', 'Authorization', '[REDACTED]', 'Cookie', '[REDACTED]'],
        rawTrailers: ['X-Api-Key', '[REDACTED]'],
      },
      list: ['Authorization', 'visible'], // only header-pair lists are read in pairs
    });
    expect(JSON.stringify(line)).not.toMatch(/0123456789abcdef|s3cr3t|k-42/);
  });

  it('is on by default: secret keys at any depth and casing, secrets inside strings', () => {
    const { sink, logger } = setup();
    logger.info(
      {
        user: { name: 'ann', PASSWORD: 'p1', 'X-Api-Key': 'k1' },
        list: [{ api_key: 'k2' }],
        note: `token ${JWT}`,
      },
      'auth header Bearer abcdef0123456789xyz',
    );
    const line = sink.raw[0] as string;
    for (const secret of ['p1', 'k1', 'k2', JWT, 'abcdef0123456789xyz']) expect(line).not.toContain(secret);
    expect(sink.lines[0]).toMatchObject({
      user: { name: 'ann', PASSWORD: '[REDACTED]', 'X-Api-Key': '[REDACTED]' },
      list: [{ api_key: '[REDACTED]' }],
      note: 'token [REDACTED]',
      msg: 'auth header Bearer [REDACTED]',
    });
  });

  it('covers bindings, base fields, errors (messages, stacks, fields, causes) and Maps', () => {
    const sink = memorySink();
    const logger = createLogger({ sinks: [sink], base: { secret: 'b1' }, timestamp: false });
    const err = Object.assign(new Error(`login failed for postgres://app:pw1@db`), { token: 't1' });
    const wrapped = new Error('outer', { cause: err });
    logger.child({ authorization: 'Basic dXNlcjpwYXNz', nested: { cookie: 'c1' } }).error(wrapped);
    logger.info({ headers: new Map([['Cookie', 'c2']]) });
    const text = sink.raw.join('');
    for (const secret of ['b1', 'dXNlcjpwYXNz', 'c1', 'pw1', 't1', 'c2']) expect(text).not.toContain(secret);
  });

  it('censors configured paths, wildcards and array indices, and extra keys and patterns', () => {
    const { sink, logger } = setup({
      paths: ['req.headers["x-forwarded-for"]', '*.ssn2', 'items[1].code', 'items[*].pin', 'err.hint'],
      keys: ['iban'],
      patterns: [/order-\d{6}/],
      censor: '***',
    });
    logger.info({
      req: { headers: { 'x-forwarded-for': '1.2.3.4', host: 'h' } },
      person: { ssn2: 's' },
      items: [
        { code: 'a', pin: 1 },
        { code: 'b', pin: 2 },
      ],
      payment: { IBAN: 'DE00' },
      text: 'ref order-123456 shipped',
    });
    logger.error(Object.assign(new Error('e'), { hint: 'h1' }));
    expect(sink.lines[0]).toEqual({
      level: 'info',
      req: { headers: { 'x-forwarded-for': '***', host: 'h' } },
      person: { ssn2: '***' },
      items: [
        { code: 'a', pin: '***' },
        { code: '***', pin: '***' },
      ],
      payment: { IBAN: '***' },
      text: 'ref *** shipped',
    });
    expect(sink.lines[1]).toMatchObject({ err: { hint: '***' } });
  });

  it('removes censored keys with remove: true, still censoring inside strings', () => {
    const { sink, logger } = setup({ paths: ['a.b', 'list[0]'], remove: true });
    logger.info({ a: { b: 1, c: 2 }, password: 'x', list: [1, 2], s: `jwt ${JWT}` });
    expect(sink.lines[0]).toEqual({ level: 'info', a: { c: 2 }, list: [null, 2], s: 'jwt [REDACTED]' });
  });

  it("writes keyed pseudonyms with censor: 'hash', the same ones pseudonym() computes", () => {
    const { sink, logger } = setup({ censor: 'hash', hashKey: 'log-key', paths: ['user.email', 'ids[1]'] });
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const getter = Object.defineProperty({}, 'token', {
      enumerable: true,
      get() {
        throw new Error('no');
      },
    });
    logger.info({
      user: { email: 'ada@example.com' },
      password: 'hunter2',
      ids: [1, 2],
      m: new Map([['token', 't']]),
    });
    logger.info({ user: { email: 'ada@example.com' }, m: `jwt ${JWT}` });
    logger.info({ a: getter, b: revoked.proxy });
    const [first, second, third] = sink.lines;
    expect(first).toEqual({
      level: 'info',
      user: { email: pseudonym('log-key', 'ada@example.com') },
      password: pseudonym('log-key', 'hunter2'),
      ids: [1, pseudonym('log-key', 2)],
      m: { token: pseudonym('log-key', 't') },
    });
    expect(second?.user).toEqual(first?.user);
    expect(second?.m).toBe(`jwt ${pseudonym('log-key', JWT)}`);
    expect(third).toEqual({
      level: 'info',
      a: { token: pseudonym('log-key', '[Unserializable]') },
      b: '[Unserializable]',
    });
    for (const secret of ['ada@example.com', 'hunter2', JWT]) expect(sink.raw.join('')).not.toContain(secret);
  });

  it("requires a hashKey with censor: 'hash', and refuses one without it, never showing the key", () => {
    const attempt = (redact: unknown) => () =>
      createLogger({ sinks: [{ name: 'x', write() {} }], redact } as never);
    expect(attempt({ censor: 'hash' })).toThrow(ConfigurationError);
    expect(attempt({ censor: 'hash' })).toThrow(/redact\.hashKey.*non-empty string or Uint8Array/);
    expect(attempt({ censor: 'hash', hashKey: '' })).toThrow(/redact\.hashKey/);
    expect(attempt({ hashKey: 'sup3r-secret' })).toThrow(/redact\.censor.*'hash' when a hashKey is given/);
    let message = '';
    try {
      attempt({ censor: '[X]', hashKey: 'sup3r-secret' })();
    } catch (error) {
      message = String(error) + JSON.stringify(error);
    }
    expect(message).not.toContain('sup3r-secret');
    expect(attempt({ censor: 'hash', hashKey: new Uint8Array([1]) })).not.toThrow();
  });

  it("censors errors with the logger's own settings, and not at all with redact: false", () => {
    const error = Object.assign(new Error(`token rejected: Bearer abcdefgh12345`), { password: 'hunter2' });
    const stars = setup({ censor: '***' });
    stars.logger.error(error);
    expect(stars.sink.lines[0]).toMatchObject({
      err: { message: 'token rejected: Bearer ***', password: '***' },
      msg: 'token rejected: Bearer ***',
    });
    const off = setup(false);
    off.logger.error(error);
    expect(off.sink.lines[0]).toMatchObject({
      err: { message: 'token rejected: Bearer abcdefgh12345', password: 'hunter2' },
    });
  });

  it('censors compound secret names (DB_PASSWORD, githubToken) but not tokenCount', () => {
    const { sink, logger } = setup({ keys: ['iban'] });
    logger.info({
      env: { DB_PASSWORD: 'hunter2', GITHUB_TOKEN: 'ghp_x', AWS_SECRET_ACCESS_KEY: 'wJalr' },
      dbPassword: 'p2',
      payoutIban: 'DE00',
      tokenCount: 3,
    });
    expect(sink.lines[0]).toEqual({
      level: 'info',
      env: { DB_PASSWORD: '[REDACTED]', GITHUB_TOKEN: '[REDACTED]', AWS_SECRET_ACCESS_KEY: '[REDACTED]' },
      dbPassword: '[REDACTED]',
      payoutIban: '[REDACTED]',
      tokenCount: 3,
    });
  });

  it('accepts a plain list of paths, keeping the defaults', () => {
    const { sink, logger } = setup(['user.email']);
    logger.info({ user: { email: 'a@b.c' }, token: 't' });
    expect(sink.lines[0]).toEqual({ level: 'info', user: { email: '[REDACTED]' }, token: '[REDACTED]' });
  });

  it('can turn the defaults or all redaction off', () => {
    const off = setup(false);
    off.logger.info({ password: 'p' }, JWT);
    expect(off.sink.lines[0]).toEqual({ level: 'info', password: 'p', msg: JWT });
    const noDefaults = setup({ defaultKeys: false, defaultPatterns: false });
    noDefaults.logger.info({ password: 'p' }, JWT);
    expect(noDefaults.sink.lines[0]).toEqual({ level: 'info', password: 'p', msg: JWT });
    const keysOnly = setup({ defaultPatterns: false });
    keysOnly.logger.info({ password: 'p' }, JWT);
    expect(keysOnly.sink.lines[0]).toEqual({ level: 'info', password: '[REDACTED]', msg: JWT });
  });

  it('finds password=… in text whenever the default patterns are on, whatever defaultKeys says', () => {
    const text = 'Bearer abcdefgh12345 password=hunter2 iban: DE00';
    const noDefaultKeys = setup({ defaultKeys: false });
    noDefaultKeys.logger.info({ m: text, password: 'p' });
    expect(noDefaultKeys.sink.lines[0]).toEqual({
      level: 'info',
      m: 'Bearer [REDACTED] password=[REDACTED] iban: DE00',
      password: 'p',
    });
    const withKeys = setup({ defaultKeys: false, keys: ['iban'] });
    withKeys.logger.info(text);
    expect(withKeys.sink.lines[0]?.msg).toBe('Bearer [REDACTED] password=[REDACTED] iban: [REDACTED]');
    const noPatterns = setup({ defaultPatterns: false, keys: ['iban'] });
    noPatterns.logger.info(text);
    expect(noPatterns.sink.lines[0]?.msg).toBe(text);
  });

  it('takes the options of createRedactor, keys: false included, validated the same way', () => {
    const sink = memorySink();
    const logger = createLogger({ sinks: [sink], redact: { keys: false, paths: ['user.pin'] } });
    logger.info({ password: 'shown', user: { pin: 1234 } }, 'token=abc123');
    expect(sink.lines[0]).toMatchObject({
      password: 'shown',
      user: { pin: '[REDACTED]' },
      msg: 'token=[REDACTED]',
    });
    const attempt = (redact: unknown) => () =>
      createLogger({ sinks: [{ name: 'x', write() {} }], redact } as never);
    for (const bad of [
      { keys: 'token' },
      { keys: [''] },
      { patterns: 'x' },
      { remove: 1 },
      { paths: ['a..b'] },
    ]) {
      expect(attempt(bad)).toThrow(ConfigurationError);
    }
    expect(attempt({ keys: 'token' })).toThrow(
      /^Invalid option redact\.keys: got "token"; expected an array of key names, or false\.$/,
    );
    expect(attempt({ censor: () => 'x' })).toThrow(/redact\.censor.*a string, or 'hash' with a hashKey/);
  });

  it('rejects an unknown key in the redact object, pointing `defaults` to defaultKeys/defaultPatterns', () => {
    const attempt = (redact: unknown) => () =>
      createLogger({ sinks: [{ name: 'x', write() {} }], redact } as never);
    expect(attempt({ defaults: false })).toThrow(ConfigurationError);
    expect(attempt({ defaults: false })).toThrow(
      /redact\.defaults.*defaultKeys: false.*defaultPatterns: false/,
    );
    expect(attempt({ path: ['a.b'] })).toThrow(
      /redact\.path.*paths, keys, defaultKeys, patterns, defaultPatterns, censor, hashKey, remove\.$/,
    );
    expect(attempt({ defaultKeys: false, defaultPatterns: false, censor: '*' })).not.toThrow();
  });

  it('rejects unknown top-level and dedupe options instead of ignoring them', () => {
    const sinks = [{ name: 'x', write() {} }];
    expect(() => createLogger({ sinks, redacts: false } as never)).toThrow(/createLogger\.redacts.*redact/);
    expect(() => createLogger({ sinks, dedupe: { window: '1s', windows: 2 } } as never)).toThrow(
      /dedupe\.windows.*window/,
    );
    expect(() => createLogger(null as never)).toThrow(ConfigurationError);
  });

  it('censors secrets used as keys, in objects and Maps', () => {
    const { sink, logger } = setup();
    logger.info({ sessions: { [JWT]: 'active' }, byToken: new Map([[`Bearer ${JWT}`, 1]]) });
    expect(sink.raw[0]).not.toContain(JWT);
    expect(sink.lines[0]).toMatchObject({ sessions: { '[REDACTED]': 'active' } });
  });

  it('censors context fields', () => {
    const { sink, logger } = setup();
    withLogContext({ session: 's1' }, () => logger.info('x'));
    expect(sink.lines[0]).toEqual({ level: 'info', session: '[REDACTED]', msg: 'x' });
  });

  it('censors paths with quoted keys, indices and wildcards', () => {
    const { sink, logger } = setup({
      paths: [`a["x-y"].c['q\\'s'][0]`, 'list[*].*.pin'],
      defaultKeys: false,
    });
    logger.info({
      a: { 'x-y': { c: { "q's": ['first', 'second'] } } },
      list: [{ card: { pin: 1234, ok: true } }],
    });
    expect(sink.lines[0]).toMatchObject({
      a: { 'x-y': { c: { "q's": ['[REDACTED]', 'second'] } } },
      list: [{ card: { pin: '[REDACTED]', ok: true } }],
    });
  });
});

describe('serialization', () => {
  it('writes every JSON-hostile value safely', () => {
    const { sink, logger } = setup(false);
    const cyclic: Record<string, unknown> = { name: 'c' };
    cyclic.self = cyclic;
    const deep: Record<string, unknown> = {};
    let cursor = deep;
    for (let i = 0; i < 20; i++) {
      cursor.next = {};
      cursor = cursor.next as Record<string, unknown>;
    }
    logger.info({
      big: 10n,
      nan: Number.NaN,
      inf: Number.POSITIVE_INFINITY,
      fn: () => 1,
      sym: Symbol('s'),
      undef: undefined,
      date: new Date(0),
      set: new Set([1, 'two']),
      map: new Map<unknown, unknown>([[1, { a: undefined }]]),
      arr: [undefined, () => 1, 'x'],
      cyclic,
      deep,
      quote: 'a "quoted" \\ line\nbreak \u0001 \ud800',
      long: `${'x'.repeat(100)}"`,
      buffer: Buffer.from('secret bytes'),
      view: new Float64Array(2),
    });
    const line = sink.lines[0] as Record<string, unknown>;
    expect(line).toMatchObject({
      big: '10',
      nan: null,
      inf: null,
      date: '1970-01-01T00:00:00.000Z',
      set: [1, 'two'],
      map: { 1: {} },
      arr: [null, null, 'x'],
      cyclic: { name: 'c', self: '[Circular]' },
      quote: 'a "quoted" \\ line\nbreak \u0001 \ufffd'.replace('\ufffd', '\ud800'),
      long: `${'x'.repeat(100)}"`,
      buffer: '[Buffer: 12 bytes]',
      view: '[Float64Array: 16 bytes]',
    });
    expect(JSON.stringify(line.deep)).toContain('"[Object]"');
    expect(line).not.toHaveProperty('fn');
  });

  it('recognises errors from another realm by their tag', async () => {
    const { runInNewContext } = await import('node:vm');
    const foreign = runInNewContext('new TypeError("from a vm")') as Error;
    expect(foreign instanceof Error).toBe(false);
    const { sink, logger } = setup();
    logger.error(foreign);
    logger.info({ nested: foreign });
    expect(sink.lines[0]).toMatchObject({
      msg: 'from a vm',
      err: { name: 'TypeError', message: 'from a vm' },
    });
    expect(sink.lines[1]).toMatchObject({ nested: { name: 'TypeError', message: 'from a vm' } });
  });

  it('writes a throwing getter or toJSON as [Unserializable], keeping every other field', () => {
    const { sink, logger } = setup();
    logger.info({
      get bad() {
        throw new Error('getter password=x');
      },
    });
    logger.info({
      nested: {
        toJSON: () => {
          throw new Error('nope');
        },
      },
    });
    const err = new Error('e');
    Object.defineProperty(err, 'weird', {
      enumerable: true,
      get() {
        throw new Error('x');
      },
    });
    logger.info(err);
    expect(sink.lines[0]).toEqual({ level: 'info', bad: '[Unserializable]' });
    expect(sink.lines[1]).toEqual({ level: 'info', nested: '[Unserializable]' });
    expect(sink.lines[2]).toMatchObject({ err: { message: 'e' } });
  });

  it('keeps the readable fields beside one that throws, at any depth and wherever it is logged', () => {
    const sink = memorySink();
    const logger = createLogger({ sinks: [sink], base: null, timestamp: false });
    const profile = {
      user: 'ada',
      get profile(): never {
        throw new Error('boom');
      },
    };
    logger.info(profile, 'loaded');
    expect(sink.raw[0]).toBe('{"level":"info","user":"ada","profile":"[Unserializable]","msg":"loaded"}\n');
    const badJSON = {
      toJSON() {
        throw new Error('no');
      },
    };
    const deep = {
      a: { ok: 1, inner: profile, list: [1, badJSON, 'Bearer abcdef123456'] },
      map: new Map<string, unknown>([
        ['m', badJSON],
        ['k', 2],
      ]),
      b: 2,
      get password(): never {
        throw new Error('never read');
      },
    };
    logger.info(deep);
    logger.child({ bound: deep }).info('child');
    withLogContext({ ctx: deep }, () => logger.info('context'));
    logger.info('printf %j', deep);
    const expected = {
      a: {
        ok: 1,
        inner: { user: 'ada', profile: '[Unserializable]' },
        list: [1, '[Unserializable]', 'Bearer [REDACTED]'],
      },
      map: { m: '[Unserializable]', k: 2 },
      b: 2,
      password: '[REDACTED]',
    };
    expect(sink.lines[1]).toEqual({ level: 'info', ...expected });
    expect(sink.lines[2]).toEqual({ level: 'info', bound: expected, msg: 'child' });
    expect(sink.lines[3]).toEqual({ level: 'info', ctx: expected, msg: 'context' });
    expect(sink.lines[4]).toEqual({ level: 'info', msg: `printf ${JSON.stringify(expected)}` });
    const withBase = memorySink();
    createLogger({ sinks: [withBase], base: { app: 'x', bad: badJSON }, timestamp: false }).info('b');
    expect(withBase.lines[0]).toEqual({ level: 'info', app: 'x', bad: '[Unserializable]', msg: 'b' });
  });

  it('never throws on a hostile proxy: one valid line, the proxy written as [Unserializable]', () => {
    const sink = memorySink();
    const logger = createLogger({ sinks: [sink], base: null, timestamp: false });
    const throwing = new Proxy(
      {},
      {
        get() {
          throw new Error('g');
        },
      },
    );
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    const errorProxy = new Proxy(new Error('x'), {
      getPrototypeOf() {
        throw new Error('gp');
      },
    });
    const silentMessage = Object.defineProperty(new Error('x'), 'message', {
      get() {
        throw new Error('no message');
      },
    });
    logger.info(throwing, 'hi');
    logger.info(revocable.proxy);
    logger.child(revocable.proxy).info('child');
    logger.error(errorProxy);
    logger.warn({ nested: revocable.proxy, list: [throwing, errorProxy], ok: true }, 'nested');
    logger.info('printf %j %s %o', revocable.proxy, throwing, errorProxy);
    withLogContext({ ctx: revocable.proxy }, () => logger.info('context'));
    logger.error(silentMessage);
    logger
      .child({
        name: 'db',
        get pool(): never {
          throw new Error('pool');
        },
        host: 'h',
      })
      .info('named');
    const U = '[Unserializable]';
    expect(sink.raw).toHaveLength(9);
    expect(sink.lines).toEqual([
      { level: 'info', serialize_error: U, msg: 'hi' },
      { level: 'info', serialize_error: U },
      { level: 'info', serialize_error: U, msg: 'child' },
      { level: 'error', serialize_error: U },
      { level: 'warn', nested: U, list: [U, U], ok: true, msg: 'nested' },
      { level: 'info', msg: `printf "${U}" "${U}" "${U}"` },
      { level: 'info', ctx: U, msg: 'context' },
      { level: 'error', err: expect.objectContaining({ name: 'Error' }), msg: U },
      { level: 'info', name: 'db', pool: U, host: 'h', msg: 'named' },
    ]);
  });
});
