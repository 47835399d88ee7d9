import { describe, expect, it } from 'vitest';
import { compileRedaction, createRedactor, createSafeCopy, pseudonym } from '../src/index.js';

describe('README examples', () => {
  it('redacts the quick-start entry as shown', () => {
    const redact = createRedactor({ paths: ['req.headers["x-session"]'] });
    const entry = {
      req: { url: '/login', headers: { 'x-session': 's-123', Authorization: 'Bearer 9f8e7d6c5b4a' } },
      user: { name: 'ada', apiKey: 'k-42' },
      msg: 'connect to postgres://app:hunter2@db:5432/app failed',
    };
    expect(JSON.stringify(redact(entry))).toBe(
      '{"req":{"url":"/login","headers":{"x-session":"[REDACTED]","Authorization":"[REDACTED]"}},' +
        '"user":{"name":"ada","apiKey":"[REDACTED]"},' +
        '"msg":"connect to postgres://app:[REDACTED]@db:5432/app failed"}',
    );
  });

  it('gives the documented pseudonym', () => {
    const redact = createRedactor({ censor: 'hash', hashKey: 'host-secret', keys: ['email'] });
    expect(redact({ email: 'ada@example.com' })).toEqual({ email: '[REDACTED:493b14e1]' });
    expect(pseudonym('host-secret', 'ada@example.com')).toBe('[REDACTED:493b14e1]');
  });

  it('runs the custom keys and patterns recipe', () => {
    const redact = createRedactor({
      keys: ['email', 'phone'],
      patterns: [/\bsk_live_[A-Za-z0-9]{24}\b/, { name: 'pin', regex: /pin=(\d{4})/, group: 1 }],
    });
    expect(redact({ phone: '555', note: `pin=1234 key sk_live_${'a'.repeat(24)}` })).toEqual({
      phone: '[REDACTED]',
      note: 'pin=[REDACTED] key [REDACTED]',
    });
  });

  it('censors secrets in keys as shown', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl';
    const redact = createRedactor();
    expect(redact({ 'postgres://app:hunter2@db/app': 'up', [jwt]: 'seen' })).toEqual({
      'postgres://app:[REDACTED]@db/app': 'up',
      '[REDACTED]': 'seen',
    });
  });

  it('runs the censor function and remove recipes', () => {
    const describeIt = createRedactor({
      censor: (value, path) => `[${path.join('.')}: ${String(value).length} chars]`,
    });
    expect(describeIt({ user: { password: 'hunter2' } })).toEqual({
      user: { password: '[user.password: 7 chars]' },
    });
    expect(createRedactor({ remove: true })({ user: { password: 'hunter2' } })).toEqual({ user: {} });
  });
  it('shows the safe copy and the plan as documented', () => {
    const copy = createSafeCopy({ maxArrayLength: 10 });
    expect(JSON.stringify(copy({ ids: new Array(2 ** 32 - 1) }))).toBe(
      `{"ids":[${'null,'.repeat(10)}"[… 4,294,967,285 more items]"]}`,
    );
    const plan = compileRedaction({ paths: ['req.headers.cookie'] }, 'redact');
    expect(plan.isSecretKey('DB_PASSWORD')).toBe(true);
    expect(plan.scanText('Bearer abcdef123456')).toBe('Bearer [REDACTED]');
    expect(plan.paths?.named?.get('req')?.named?.get('headers')?.named?.get('cookie')?.terminal).toBe(true);
    expect(plan.censorValue('x')).toBe('[REDACTED]');
    expect(() => compileRedaction({ keys: 'x' } as never, 'redact')).toThrow(/^Invalid option redact\.keys/);
    expect(() => compileRedaction({ censor: (() => 'x') as never })).toThrow(/^Invalid option censor/);
    const hashed = compileRedaction({ censor: 'hash', hashKey: 'k', keys: false, patterns: false });
    expect(hashed.hashing && hashed.censor === 'hash' && !hashed.scans).toBe(true);
    expect(hashed.censorValue('ada')).toBe(pseudonym('k', 'ada'));
    expect(hashed.isSecretKey('password')).toBe(false);
  });
});

describe('the redact guide', () => {
  it('lists every default key and pattern', async () => {
    const { readFileSync } = await import('node:fs');
    const { DEFAULT_KEYS, DEFAULT_PATTERNS } = await import('../src/index.js');
    const guide = readFileSync(new URL('../../../docs/guides/redact.md', import.meta.url), 'utf8');
    const missing = [...DEFAULT_KEYS, ...DEFAULT_PATTERNS.map((pattern) => pattern.name)].filter(
      (name) => !guide.includes(`\`${name}\``),
    );
    expect(missing).toEqual([]);
  });
});
