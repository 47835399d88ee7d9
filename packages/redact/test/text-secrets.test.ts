import { describe, expect, it } from 'vitest';
import { createRedactor, DEFAULT_KEYS, keyMatches, normalizeKey } from '../src/index.js';

const redact = createRedactor();
const R = '[REDACTED]';

describe('auth headers as text', () => {
  it.each([
    ['Authorization: token ghp_notachecksum0123456789abcdefghijk', `Authorization: token ${R}`],
    ['Authorization: Token 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b', `Authorization: Token ${R}`],
    ['authorization: ApiKey abcDEF123456ghiJKL', `authorization: ApiKey ${R}`],
    ['Authorization: SSWS 00QCjAl4MlV-WPXM-ABCDEFGhijklmnopqrstuvw', `Authorization: SSWS ${R}`],
    ['Proxy-Authorization: X-Custom-Scheme a1b2c3d4e5f6', `Proxy-Authorization: X-Custom-Scheme ${R}`],
    [
      'GET / HTTP/1.1\r\nAuthorization: Key 0123456789abcdef\r\nAccept: */*',
      `GET / HTTP/1.1\r\nAuthorization: Key ${R}\r\nAccept: */*`,
    ],
    ['Private-Token: glpat-notreal', `Private-Token: ${R}`],
  ])('censors the credential of %j', (input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it('censors a bare value after the header name, and leaves prose after a short word', () => {
    expect(redact('Authorization: s3cr3t')).toBe(`Authorization: ${R}`);
    expect(redact('authorization: none given')).toBe(`authorization: ${R} given`);
  });
});

describe('cookies', () => {
  it('censors every pair of a Cookie header', () => {
    expect(redact('Cookie: sid=abc123; theme=dark; csrf=xyz789')).toBe(`Cookie: ${R}`);
  });

  it('censors a Set-Cookie header with its attributes', () => {
    expect(redact('Set-Cookie: sid=abc; Path=/; HttpOnly\nnext line')).toBe(`Set-Cookie: ${R}\nnext line`);
  });

  it('censors the values after secret names in rawHeaders lists', () => {
    const input = {
      rawHeaders: ['Host', 'a.example', 'Authorization', 'token abc', 'Cookie', 'a=b', 'Accept', '*/*'],
    };
    expect(redact(input)).toEqual({
      rawHeaders: ['Host', 'a.example', 'Authorization', R, 'Cookie', R, 'Accept', '*/*'],
    });
    // Any other list is not read as pairs.
    const list = { fields: ['password', 'email'] };
    expect(redact(list)).toBe(list);
  });
});

describe('URLs', () => {
  it.each([
    ['https://a.example/cart;jsessionid=ABC123xyz?x=1', `https://a.example/cart;jsessionid=${R}?x=1`],
    ['https://a.example/?sid=s1&ticket=t1&creds=c1', `https://a.example/?sid=${R}&ticket=${R}&creds=${R}`],
    [
      'https://s3.example/o?X-Amz-Signature=abcdef0123&X-Amz-Algorithm=AWS4',
      `https://s3.example/o?X-Amz-Signature=${R}&X-Amz-Algorithm=AWS4`,
    ],
    ['https://a.example/x?signature=abc&sig=def', `https://a.example/x?signature=${R}&sig=${R}`],
    ['redis://:p?ss#w0rd@cache:6379/0', `redis://:${R}@cache:6379/0`],
    [
      '{"url":"https:\\/\\/admin:hunter2@db.example.com\\/app"}',
      `{"url":"https:\\/\\/admin:${R}@db.example.com\\/app"}`,
    ],
  ])('censors the secret in %s', (input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it('leaves innocent query names alone, and flags or short numbers under secret names', () => {
    const url = 'https://a.example/search?q=shoes&page=2&sort=asc&signed=true';
    expect(redact(url)).toBe(url);
    const flags = 'https://help.example/view?ticket=4021&auth=true&sig=none';
    expect(redact(flags)).toBe(flags);
  });
});

describe('key names', () => {
  const keys = new Set(DEFAULT_KEYS.map(normalizeKey));

  it.each([
    'PGPASSWORD',
    'authtoken',
    'sessiontoken',
    'password2',
    'apiKey2',
    'MYSQL_PWD',
    'csrftoken',
    'token_1',
  ])('finds %s', (key) => {
    expect(keyMatches(keys, key)).toBe(true);
    expect(redact({ [key]: 'v' })).toEqual({ [key]: R });
    expect(redact(`${key}=value1`)).toBe(`${key}=${R}`);
  });

  it.each([
    'tokenCount',
    'maxTokens',
    'author',
    'keyboard',
    'secretary',
    'publicKey',
    'passwordless',
    'tokenizer',
  ])('leaves %s', (key) => {
    expect(keyMatches(keys, key)).toBe(false);
    const input = { [key]: 'visible' };
    expect(redact(input)).toBe(input);
    expect(redact(`${key}=visible`)).toBe(`${key}=visible`);
  });
});

describe('structured text inside strings', () => {
  it.each([
    ['{"DB_PASSWORD":{"current":"a1","old":"b2"},"user":"ada"}', `{"DB_PASSWORD":${R},"user":"ada"}`],
    ['{"token":["a1","b2"],"user":"ada"}', `{"token":${R},"user":"ada"}`],
    ['{\\"apiKey\\":\\"a1b2\\",\\"user\\":\\"ada\\"}', `{\\"apiKey\\":\\"${R}\\",\\"user\\":\\"ada\\"}`],
    ['{"password"=>"a1b2", "user"=>"ada"}', `{"password"=>"${R}", "user"=>"ada"}`],
    ['db:\n  password: |\n    line1\n    line2\n  user: ada', `db:\n  password: ${R}\n  user: ada`],
    ['user=ada&password%3Da1b2&next=home', `user=ada&password%3D${R}&next=home`],
    ['PGPASSWORD=a1\nAPI_TOKEN=b2\nLOG_LEVEL=debug', `PGPASSWORD=${R}\nAPI_TOKEN=${R}\nLOG_LEVEL=debug`],
  ])('censors the value in %j', (input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it('stops a bare value at a \\n escape of encoded text', () => {
    expect(redact('token=a1b2\\n{\\"msg\\":\\"ok\\"}')).toBe(`token=${R}\\n{\\"msg\\":\\"ok\\"}`);
  });
});

describe('false positives', () => {
  it.each([
    'token_type=Bearer expires_in=3600',
    'request f8a07fec-b411-4111-1111-11111fffc1a7 done',
    'commit 4111111111111111a0c3e2f1d4b5a6978877665544',
    'sha256:04111111111111111f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928',
    'id 40000000-0000-4000-8000-000000000000',
    'order 5311820700785 shipped',
  ])('leaves %j', (text) => {
    expect(redact(text)).toBe(text);
  });

  it('still finds a card number after a \\n escape', () => {
    expect(redact('card\\n4111111111111111')).toBe(`card\\n${R}`);
  });
});

describe('switching default patterns off by name', () => {
  it('leaves out the named patterns only', () => {
    const r = createRedactor({ defaultPatterns: { except: ['card-number'] } });
    expect(r('card 4111111111111111 key AKIAABCDEFGHIJKLMNOP')).toBe(`card 4111111111111111 key ${R}`);
  });

  it.each([{ except: ['no-such-pattern'] }, { except: 'card-number' }, 'yes'])('rejects %j', (value) => {
    expect(() => createRedactor({ defaultPatterns: value as never })).toThrow(/defaultPatterns/);
  });
});

describe('custom gated patterns', () => {
  it('runs a pattern with prefixes only on strings that hold one, in any case', () => {
    const r = createRedactor({
      defaultPatterns: false,
      patterns: [{ name: 'acme', regex: /acme_[a-z0-9]{8}/gi, prefixes: ['acme_'] }],
    });
    expect(r('x ACME_abcd1234 y')).toBe(`x ${R} y`);
    expect(r('nothing here')).toBe('nothing here');
  });

  it('counts trigger characters', () => {
    const r = createRedactor({
      defaultPatterns: false,
      patterns: [{ name: 'three-hashes', regex: /#\w+#\w+#/g, triggers: '#', triggerCount: 3 }],
    });
    expect(r('a #b#c# d')).toBe(`a ${R} d`);
    expect(r('a #b# d')).toBe('a #b# d');
    // A count started in another string does not carry over.
    expect(r('#')).toBe('#');
    expect(r('##')).toBe('##');
  });

  it('runs a pattern whose prefix or trigger the table cannot hold on every string', () => {
    const r = createRedactor({
      defaultPatterns: false,
      patterns: [
        { name: 'euro', regex: /€\d+/g, prefixes: ['€'] },
        { name: 'pound', regex: /£\d+/g, triggers: '£' },
        { name: 'one', regex: /#\d+/g, prefixes: ['#'] },
        { name: 'hinted', regex: /zz\d+/g, hint: 'zz' },
        /yy\d+/g,
      ],
    });
    expect(r('€12 £3 #4 zz5 yy6 ok')).toBe(`${R} ${R} ${R} ${R} ${R} ok`);
    expect(r('plain')).toBe('plain');
  });
});

describe('the gate over many scans', () => {
  it('still counts digits for card numbers after 70,000 scans', () => {
    const r = createRedactor();
    for (let i = 0; i < 70_000; i++) r(`line ${i} of many, card-free: 12345`);
    expect(r('card 4111 1111 1111 1111')).toBe(`card ${R}`);
  });
});

describe('the gate when its scan counter wraps', () => {
  it('starts its marks afresh and still finds secrets', async () => {
    const { compileScanner, scan } = await import('../src/internal/scanner.js');
    const { DEFAULT_PATTERNS } = await import('../src/patterns.js');
    const scanner = compileScanner(DEFAULT_PATTERNS)!;
    scan(scanner, 'card 4111 1111 1111 1112 seen', () => R);
    scanner.generation = 0xffffffff;
    expect(scan(scanner, 'card 4111 1111 1111 1111 now', () => R)).toBe(`card ${R} now`);
    expect(scanner.generation).toBe(1);
  });
});

describe('custom gated patterns: validation', () => {
  it.each([
    { name: 'p', regex: /x/g, prefixes: 'abc' },
    { name: 'p', regex: /x/g, prefixes: [1] },
    { name: 'p', regex: /x/g, triggers: ['='] },
    { name: 'p', regex: /x/g, triggers: '=', triggerCount: 0 },
  ])('rejects %o', (pattern) => {
    expect(() => createRedactor({ patterns: [pattern as never] })).toThrow(/patterns\[0\]/);
  });

  it('runs a pattern with an empty prefix list on every string', () => {
    const r = createRedactor({
      defaultPatterns: false,
      patterns: [{ name: 'p', regex: /q\d/g, prefixes: [] }],
    });
    expect(r('a q1 b')).toBe(`a ${R} b`);
  });
});

describe('more places secrets sit', () => {
  it('finds a Telegram token in a bot API URL', () => {
    const token = `123456789:AA${'x1'.repeat(16)}Z`;
    expect(redact(`GET https://api.telegram.org/bot${token}/sendMessage`)).toBe(
      `GET https://api.telegram.org/bot${R}/sendMessage`,
    );
  });

  it('censors Set-Cookie pairs joined by commas, with an Expires date', () => {
    expect(redact('set-cookie: a=s3cr3t1; Expires=Wed, 21 Oct 2026 07:28:00 GMT, b=s3cr3t2; Path=/')).toBe(
      `set-cookie: ${R}`,
    );
  });
});

describe('credentials in several parts and URL users', () => {
  it('censors a Digest or AWS parameter list whole', () => {
    expect(redact('Authorization: Digest username="bob", realm="x", response="6629fae49393a0539745"')).toBe(
      `Authorization: Digest ${R}`,
    );
    expect(
      redact(
        'authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830, SignedHeaders=host, Signature=5d672d79c1',
      ),
    ).toBe(`authorization: AWS4-HMAC-SHA256 ${R}`);
  });

  it('censors a token written as the user of a URL, and leaves a plain user name', () => {
    expect(redact('DSN=https://abc123def456abc789@o12345.ingest.sentry.io/123')).toBe(
      `DSN=https://${R}@o12345.ingest.sentry.io/123`,
    );
    expect(redact('git clone https://deploy@git.example.com/repo.git')).toBe(
      'git clone https://deploy@git.example.com/repo.git',
    );
  });
});
