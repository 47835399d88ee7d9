import { describe, expect, it } from 'vitest';
import { createRedactor, DEFAULT_CENSOR, pseudonym } from '../src/index.js';

describe('censor', () => {
  it('defaults to [REDACTED]', () => {
    expect(DEFAULT_CENSOR).toBe('[REDACTED]');
    expect(createRedactor()({ password: 'p' })).toEqual({ password: '[REDACTED]' });
  });

  it('uses a custom string', () => {
    const r = createRedactor({ censor: '***' });
    expect(r({ token: 't', msg: 'Bearer abcdef123456' })).toEqual({ token: '***', msg: 'Bearer ***' });
  });

  it('calls a function with the value and the path, for keys and for secrets inside strings', () => {
    const calls: [unknown, readonly string[]][] = [];
    const r = createRedactor({
      censor: (value, path) => {
        calls.push([value, path]);
        return `<${path.join('.')}>`;
      },
    });
    expect(
      r({ user: { password: 'p', bio: 'key AKIAIOSFODNN7EXAMPLE' }, list: ['Bearer abcdef123456'] }),
    ).toEqual({
      user: { password: '<user.password>', bio: 'key <user.bio>' },
      list: ['Bearer <list.0>'],
    });
    expect(calls).toEqual([
      ['p', ['user', 'password']],
      ['AKIAIOSFODNN7EXAMPLE', ['user', 'bio']],
      ['abcdef123456', ['list', '0']],
    ]);
  });

  it("gives a stable keyed pseudonym with censor: 'hash'", () => {
    const r = createRedactor({ censor: 'hash', hashKey: 'host-secret', keys: ['email'] });
    const a = r({ email: 'ada@example.com', msg: 'Bearer abcdef123456' }) as Record<string, string>;
    const b = r({ email: 'ada@example.com' }) as Record<string, string>;
    const c = createRedactor({ censor: 'hash', hashKey: 'other-key', keys: ['email'] })({
      email: 'ada@example.com',
    }) as Record<string, string>;
    expect(a.email).toMatch(/^\[REDACTED:[0-9a-f]{8}\]$/);
    expect(a.email).toBe(b.email);
    expect(c.email).not.toBe(a.email);
    expect(a.msg).toMatch(/^Bearer \[REDACTED:[0-9a-f]{8}\]$/);
  });

  it.each([
    ['a secret key', { keys: ['email'] }, { email: 'ada@example.com', user: { password: 'p' } }],
    ['a literal path', { paths: ['a.b'], keys: false, patterns: false }, { a: { b: 'x' } }],
    ['a wildcard path', { paths: ['a.*'], keys: false, patterns: false }, { a: { b: 'x', c: 'y' } }],
    ['a path in the full walk', { paths: ['a.b'], keys: false, normalize: true }, { a: { b: 'x' } }],
    ['a URL password', {}, { msg: 'connect to postgres://app:hunter2@db/app failed' }],
    ['a bracketed value after its key', {}, { msg: 'password=[hunter2] ok' }],
  ] as const)(
    'leaves a pseudonym as it is, so hashing a hashed copy again changes nothing (%s)',
    (_what, options, input) => {
      const r = createRedactor({ censor: 'hash', hashKey: 'host-secret', ...options });
      const once = r(input);
      expect(JSON.stringify(once)).toMatch(/\[REDACTED:[0-9a-f]{8}\]/);
      expect(r(once)).toEqual(once);
    },
  );

  it('pseudonym() computes the pseudonym the hash censor writes, to find one value in the logs', () => {
    const r = createRedactor({ censor: 'hash', hashKey: 'host-secret', keys: ['email'] });
    const out = r({ email: 'ada@example.com', user: { id: 7 } }) as Record<string, string>;
    expect(pseudonym('host-secret', 'ada@example.com')).toBe(out.email);
    expect(pseudonym(new TextEncoder().encode('host-secret'), 'ada@example.com')).toBe(out.email);
    expect(pseudonym('host-secret', 'bob@example.com')).not.toBe(out.email);
    expect(pseudonym('host-secret', { id: 7 })).toBe(pseudonym('host-secret', '{"id":7}'));
    expect(() => pseudonym('', 'x')).toThrowError(
      expect.objectContaining({
        code: 'INVALID_CONFIGURATION',
        details: expect.objectContaining({ option: 'hashKey' }),
      }),
    );
  });

  it('hashes non-string values by their JSON, and unserializable ones by String()', () => {
    const r = createRedactor({ censor: 'hash', hashKey: new Uint8Array([1, 2, 3]) });
    const out = r({ token: { n: 1 }, secret: 5n }) as Record<string, string>;
    expect(out.token).toMatch(/^\[REDACTED:[0-9a-f]{8}\]$/);
    expect(out.secret).toMatch(/^\[REDACTED:[0-9a-f]{8}\]$/);
    expect(out.token).not.toBe(out.secret);
  });

  it('hashes a hostile value under a secret key without throwing', () => {
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    const r = createRedactor({ censor: 'hash', hashKey: 'k' });
    const out = r({ token: revocable.proxy }) as Record<string, string>;
    expect(out.token).toMatch(/^\[REDACTED:[0-9a-f]{8}\]$/);
  });

  it.each([undefined, '', new Uint8Array(0), 42])(
    "requires a hashKey for censor: 'hash' (got %s)",
    (hashKey) => {
      expect(() => createRedactor({ censor: 'hash', hashKey: hashKey as string })).toThrowError(
        expect.objectContaining({
          code: 'INVALID_CONFIGURATION',
          details: expect.objectContaining({ option: 'hashKey' }),
        }),
      );
    },
  );

  it('removes keys with remove: true but still censors secrets inside strings', () => {
    const r = createRedactor({ remove: true });
    expect(r({ token: 't', keep: 1, msg: 'Bearer abcdef123456' })).toEqual({
      keep: 1,
      msg: 'Bearer [REDACTED]',
    });
  });

  it('does not call the censor for a secret key whose value is undefined', () => {
    const r = createRedactor({
      censor: () => {
        throw new Error('called');
      },
    });
    expect(r({ token: undefined, a: 1 })).toEqual({ token: undefined, a: 1 });
  });

  it('works when the censor function re-enters the same redactor', () => {
    const self: { redact: (value: unknown) => unknown } = { redact: (value) => value };
    self.redact = createRedactor({
      censor: (value) => `<${JSON.stringify(self.redact({ inner: [value] }))}>`,
    });
    expect(self.redact({ a: { token: 'p', b: 'x' }, m: ['Bearer abcdef123456'] })).toEqual({
      a: { token: '<{"inner":["p"]}>', b: 'x' },
      m: ['Bearer <{"inner":["abcdef123456"]}>'],
    });
  });
});
