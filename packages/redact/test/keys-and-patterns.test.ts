import { describe, expect, it } from 'vitest';
import { createRedactor, DEFAULT_KEYS, DEFAULT_PATTERNS, luhnValid, normalizeKey } from '../src/index.js';

const redact = createRedactor();
/** For the linearity checks: the whole of a long string is scanned, none of it cut. */
const unbounded = createRedactor({ maxStringLength: Number.POSITIVE_INFINITY });

describe('keys', () => {
  it.each(DEFAULT_KEYS)('redacts the default key %s at any depth', (key) => {
    expect(redact({ a: { b: [{ [key]: 'v' }] } })).toEqual({ a: { b: [{ [key]: '[REDACTED]' }] } });
  });

  it.each(['apiKey', 'api_key', 'API-KEY', 'Api Key', 'X-Api-Key', 'PASSWORD', 'Set-Cookie', 'accessToken'])(
    'matches %s without regard to case or separators',
    (key) => {
      expect(redact({ [key]: 'v' })).toEqual({ [key]: '[REDACTED]' });
    },
  );

  it('redacts a whole object under a secret key', () => {
    expect(redact({ session: { id: 1, user: 'ada' } })).toEqual({ session: '[REDACTED]' });
  });

  it('leaves keys that only contain a secret word', () => {
    const input = { passwordPolicy: 'strong', tokens_used: 3 };
    expect(redact(input)).toBe(input);
  });

  it('adds custom keys to the defaults', () => {
    const r = createRedactor({ keys: ['email'] });
    expect(r({ Email: 'a@b.c', token: 't', name: 'n' })).toEqual({
      Email: '[REDACTED]',
      token: '[REDACTED]',
      name: 'n',
    });
  });

  it('uses only custom keys with defaultKeys: false', () => {
    const r = createRedactor({ keys: ['email'], defaultKeys: false });
    expect(r({ email: 'x', token: 't' })).toEqual({ email: '[REDACTED]', token: 't' });
  });

  it('turns key matching off with keys: false', () => {
    const r = createRedactor({ keys: false });
    expect(r({ password: 'p' })).toEqual({ password: 'p' });
  });

  it('normalizes keys by dropping case and separators', () => {
    expect(normalizeKey('X-Api_Key.v 2')).toBe('xapikeyv2');
  });

  it('keeps working after its key cache fills up', () => {
    const many = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]));
    const wide = createRedactor({ maxKeys: 10_000 });
    expect(wide(many)).toBe(many);
    expect(wide({ token: 1 })).toEqual({ token: '[REDACTED]' });
  });
});

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkFkYSJ9.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const PEM =
  '-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END RSA PRIVATE KEY-----';

describe('default patterns', () => {
  it.each([
    ['a JWT', `token is ${JWT}.`, 'token is [REDACTED].'],
    ['a Bearer token', 'Authorization: Bearer abc123def456ghi', 'Authorization: Bearer [REDACTED]'],
    ['a long opaque Bearer token', 'bearer abcdefghijklmnopqrstuvwxyz', 'bearer [REDACTED]'],
    ['a 16-letter Bearer token', 'Bearer abcdefghijklmnop', 'Bearer [REDACTED]'],
    ['a short Bearer token with a symbol', 'Bearer abc-defgh', 'Bearer [REDACTED]'],
    [
      'Basic credentials',
      `hdr Basic ${Buffer.from('ada:pw').toString('base64')} end`,
      'hdr Basic [REDACTED] end',
    ],
    ['an AWS access key id', 'key=AKIAIOSFODNN7EXAMPLE;', 'key=[REDACTED];'],
    [
      'an AWS secret key after its name',
      'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'aws_secret_access_key = [REDACTED]',
    ],
    ['a PEM private key', `key:\n${PEM}\nafter`, 'key:\n[REDACTED]\nafter'],
    ['a truncated PEM private key', '-----BEGIN PRIVATE KEY-----\nMIIB', '[REDACTED]'],
    ['a Visa card number', 'paid with 4111 1111 1111 1111 today', 'paid with [REDACTED] today'],
    ['an Amex card number', 'card 378282246310005', 'card [REDACTED]'],
    ['a dashed Mastercard number', '5555-5555-5555-4444', '[REDACTED]'],
    ['URL credentials', 'redis://user:s3cr%40t@cache:6379/0', 'redis://user:[REDACTED]@cache:6379/0'],
    [
      'URL credentials without user',
      'connect to redis://:pw@host failed',
      'connect to redis://:[REDACTED]@host failed',
    ],
    ['URL credentials with an unencoded @', 'mongodb://u:p@ss@h/db', 'mongodb://u:[REDACTED]@h/db'],
    [
      'URL credentials with @ and : in the password',
      'postgres://app:a@b:c@@db:5432/x?next=a@b',
      'postgres://app:[REDACTED]@db:5432/x?next=a@b',
    ],
    [
      'URL credentials, then an @ in the path',
      'see https://u:pw@host/users/@ada and http://x@y',
      'see https://u:[REDACTED]@host/users/@ada and http://x@y',
    ],
    ['several secrets', `${JWT} and AKIAIOSFODNN7EXAMPLE`, '[REDACTED] and [REDACTED]'],
    [
      'URL credentials with a / in the password',
      'postgres://user:pa/ss@host/db',
      'postgres://user:[REDACTED]@host/db',
    ],
    [
      'URL credentials with a # in the password',
      'postgres://user:pa#ss@host/db',
      'postgres://user:[REDACTED]@host/db',
    ],
    [
      'URL credentials with a ? in the password',
      'postgres://user:pa?ss@host/db',
      'postgres://user:[REDACTED]@host/db',
    ],
    [
      'URL credentials with a space in the password',
      'postgres://user:pa ss@host',
      'postgres://user:[REDACTED]@host',
    ],
    [
      'URL credentials with a long password',
      `https://u:${'p'.repeat(300)}@host/`,
      'https://u:[REDACTED]@host/',
    ],
  ])('replaces %s and keeps the rest', (_what, input, expected) => {
    expect(redact(input)).toBe(expected);
    expect(redact({ msg: input })).toEqual({ msg: expected });
  });

  it.each([
    ['a Luhn-invalid number', 'order 4111 1111 1111 1112'],
    ['a millisecond timestamp', 'at 1700000000000 ms'],
    ['a short number', '4111 1111'],
    ['Bearer prose', 'Bearer authentication failed'],
    ['Bearer prose, another word', 'Bearer authorization required'],
    ['Basic prose', 'Basic validation failed'],
    ['Basic base64 without a colon', `Basic ${Buffer.from('justtext').toString('base64')}`],
    ['a URL without credentials', 'https://example.com/a?b=c@d'],
    ['a JWT-looking word', 'eyJ alone'],
  ])('leaves %s alone', (_what, input) => {
    expect(redact(input)).toBe(input);
  });

  it('takes / ? # and spaces into a URL password, but not a port and the path after it', () => {
    expect(redact('dsn=postgres://app:s3/cr?e#t x@db:5432/app?ssl=1')).toBe(
      'dsn=postgres://app:[REDACTED]@db:5432/app?ssl=1',
    );
    // A user named like a secret key keeps the host: the key-assignment detector sees the censor.
    expect(redact('https://token:pw/x@host/p')).toBe('https://token:[REDACTED]@host/p');
    for (const text of [
      'https://host:8080/path?x=a@b',
      'http://localhost:3000/?email=a@b.c',
      'proxy http://proxy:3128 down, contact ops@example.com',
      'http://[::1]:8080/x@y',
    ]) {
      expect(redact(text)).toBe(text);
    }
  });

  it('redacts a URL password of any length, and stays linear on adversarial input', () => {
    // Completion within the test timeout is the check: a backtracking regex would take minutes.
    expect(unbounded(`postgres://u:${'p'.repeat(100_000)}@h/db`)).toBe('postgres://u:[REDACTED]@h/db');
    const adversarial = [
      `${'a.'.repeat(16)}a://u:${'x'.repeat(100_000)}`,
      'a://b:'.repeat(17_000),
      'a://u:p '.repeat(12_500),
    ];
    for (const text of adversarial) expect(unbounded(text)).toBe(text);
    // The password runs to the last `@` before the host, here the very last one.
    expect(unbounded(`a://u:p${'@x'.repeat(50_000)}/`)).toBe('a://u:[REDACTED]@x/');
  });

  it('checks the Luhn digit', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
  });

  it('ships named patterns, each name once, the key assignment last', () => {
    const names = DEFAULT_PATTERNS.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(
      expect.arrayContaining([
        'stripe-key',
        'github-token',
        'github-fine-grained-token',
        'gitlab-token',
        'slack-token',
        'webhook-url',
        'google-api-key',
        'openai-key',
        'npm-token',
        'telegram-bot-token',
        'sendgrid-key',
        'azure-connection-key',
        'canvas-token',
        'jwe',
        'jwt',
        'bearer',
        'basic',
        'aws-access-key-id',
        'aws-secret-access-key',
        'private-key',
        'card-number',
        'url-credentials',
        'authorization-header',
        'cookie-header',
        'url-secret-parameter',
      ]),
    );
    expect(names.at(-1)).toBe('key-assignment');
  });

  it.each([
    [
      'key=value text',
      'auth failed token=abcdef secret: shh',
      'auth failed token=[REDACTED] secret: [REDACTED]',
    ],
    ['JSON text', '{"password":"hunter2","user":"ada"}', '{"password":"[REDACTED]","user":"ada"}'],
    ['a query string', 'GET /cb?x=1&access_token=abc&y=2', 'GET /cb?x=1&access_token=[REDACTED]&y=2'],
    [
      'any spelling of a default key',
      "API-Key: k1, Client_Secret = 's3'",
      "API-Key: [REDACTED], Client_Secret = '[REDACTED]'",
    ],
    ['the credential after its scheme', 'authorization: Basic not-base64', 'authorization: Basic [REDACTED]'],
    ['a short bearer token after its key', 'Authorization: Bearer abc', 'Authorization: Bearer [REDACTED]'],
    [
      'a bearer token after its key',
      'Authorization: Bearer abc123def456ghi',
      'Authorization: Bearer [REDACTED]',
    ],
    [
      'a quoted value with spaces, whole',
      'body={"password":"correct horse battery staple","user":"ada"}',
      'body={"password":"[REDACTED]","user":"ada"}',
    ],
    ['a single-quoted value with spaces', "password: 'my secret pass' next", "password: '[REDACTED]' next"],
    [
      'a quoted credential after its scheme',
      'headers={"authorization":"Bearer abc def"}',
      'headers={"authorization":"Bearer [REDACTED]"}',
    ],
    [
      'a double-quoted value with escaped quotes and backslashes',
      '{"password":"ab\\"cd\\\\","user":"ada"}',
      '{"password":"[REDACTED]","user":"ada"}',
    ],
    [
      'a double-quoted value holding a single quote',
      `{"password":"it's-a-secret"}`,
      '{"password":"[REDACTED]"}',
    ],
    ['a single-quoted value with an escaped quote', "password: 'it\\'s' next", "password: '[REDACTED]' next"],
    ['a value in brackets', 'password=[hunter2] ok', 'password=[REDACTED] ok'],
    ['a JSON array', '{"password":["a","b"],"user":"ada"}', '{"password":[REDACTED],"user":"ada"}'],
    ['a value that only starts like the censor', 'token=[REDACTED]x2 ok', 'token=[REDACTED] ok'],
    ['a quote never closed, with an escaped quote', 'password="ab\\"cd ef', 'password="[REDACTED] ef'],
  ])('key-assignment: redacts the value in %s, keeping the key', (_what, input, expected) => {
    expect(redact(input)).toBe(expected);
    expect(redact(expected)).toBe(expected);
  });

  it.each([
    ['a plural', 'tokens: 5'],
    ['a longer key', 'passwordPolicy=strong'],
    ['a key without a value sign', 'token count 3, password reset'],
    ['an already redacted value', 'password: [REDACTED]'],
  ])('key-assignment: leaves %s alone', (_what, input) => {
    expect(redact(input)).toBe(input);
  });

  it('key-assignment: steps over escaped quotes in linear time, however many assignments a string holds', () => {
    // Completion within the test timeout is the check; each value is found whole.
    expect(unbounded('password="a\\"b" '.repeat(10_000))).toBe('password="[REDACTED]" '.repeat(10_000));
    const adversarial = [
      'password="\\"'.repeat(8_000),
      `${"password='\\'".repeat(4_000)}${'password="'.repeat(5_000)}`,
    ];
    for (const text of adversarial) expect(unbounded(text)).not.toContain('password="\\"password');
  });

  it("key-assignment covers the host's keys, and the default keys even with defaultKeys: false", () => {
    const withIban = createRedactor({ keys: ['iban', 'nationalId'] });
    expect(withIban('iban=DE00 national_id: 42 password=p')).toBe(
      'iban=[REDACTED] national_id: [REDACTED] password=[REDACTED]',
    );
    const noDefaultKeys = createRedactor({ defaultKeys: false, keys: ['iban'] });
    expect(noDefaultKeys('iban=DE00 password=p')).toBe('iban=[REDACTED] password=[REDACTED]');
    expect(noDefaultKeys({ password: 'p' })).toEqual({ password: 'p' });
    expect(createRedactor({ keys: false })('token=t')).toBe('token=[REDACTED]');
    expect(createRedactor({ keys: ['iban'], defaultPatterns: false })('iban=DE00 token=t')).toBe(
      'iban=DE00 token=t',
    );
  });

  it('turns patterns off with patterns: false', () => {
    expect(createRedactor({ patterns: false })(JWT)).toBe(JWT);
  });
});

describe('custom patterns', () => {
  it('replaces only the matched substring of a RegExp', () => {
    const r = createRedactor({ patterns: [/ssn-\d{3}/] });
    expect(r('user ssn-123 and ssn-456')).toBe('user [REDACTED] and [REDACTED]');
  });

  it('replaces only the chosen group and honours validate', () => {
    const r = createRedactor({
      defaultPatterns: false,
      patterns: [{ name: 'pin', regex: /pin=(\d+)/, group: 1, validate: (s) => s.length === 4 }],
    });
    expect(r('pin=1234 pin=12')).toBe('pin=[REDACTED] pin=12');
  });

  it('uses a hint as a pre-check', () => {
    const r = createRedactor({
      defaultPatterns: false,
      patterns: [{ name: 'ticket', regex: /TCK-\d+/, hint: 'tck-' }],
    });
    expect(r('see TCK-42')).toBe('see [REDACTED]');
    expect(r('nothing here')).toBe('nothing here');
  });

  it('skips strings shorter than minLength', () => {
    const r = createRedactor({
      defaultPatterns: false,
      patterns: [{ name: 'long-id', regex: /id-\d+/, minLength: 6 }],
    });
    expect(r('id-12')).toBe('id-12');
    expect(r('id-123')).toBe('[REDACTED]');
  });

  it('skips empty matches and unmatched groups', () => {
    const r = createRedactor({
      defaultPatterns: false,
      patterns: [/x*/, { name: 'opt', regex: /a(b)?c/, group: 1 }],
    });
    expect(r('yyy ac abc')).toBe('yyy ac a[REDACTED]c');
  });
});
