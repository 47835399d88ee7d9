import { createServer, type RequestListener, request, type Server } from 'node:http';
import { ConfigurationError } from '@ballast/errors';
import { createLogger, httpLogger, safePath } from '@ballast/logger';
import { afterEach, describe, expect, it } from 'vitest';
import { memorySink } from './helpers.js';

let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

async function serve(listener: RequestListener): Promise<number> {
  server = createServer(listener);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

function get(port: number, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = request({ port, path, headers, host: '127.0.0.1' }, (res) => {
        let body = '';
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    },
  );
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
}

function setup() {
  const sink = memorySink();
  const logger = createLogger({ sinks: [sink], base: null, timestamp: false });
  return { sink, logger };
}

describe('httpLogger', () => {
  it('logs one line per response with method, safe path, status, bytes, duration and user agent', async () => {
    const { sink, logger } = setup();
    const middleware = httpLogger({ logger, genReqId: () => 'gen-1' });
    const port = await serve((req, res) =>
      middleware(req, res, () => {
        logger.info('handling');
        res.write('hel');
        res.end(Buffer.from('lo'));
      }),
    );
    const response = await get(port, '/users?id=3&token=abc123&api_key=k', { 'user-agent': 'curl/8' });
    await until(() => sink.raw.length === 2);
    expect(response.headers['x-request-id']).toBe('gen-1');
    expect(sink.lines[0]).toEqual({ level: 'info', req_id: 'gen-1', msg: 'handling' });
    expect(sink.lines[1]).toMatchObject({
      level: 'info',
      req_id: 'gen-1',
      req: { method: 'GET', path: '/users?id=3&token=[REDACTED]&api_key=[REDACTED]', user_agent: 'curl/8' },
      res: { status: 200, bytes: 5 },
      duration_ms: expect.any(Number),
      msg: 'request completed',
    });
    expect(sink.raw.join('')).not.toContain('abc123');
  });

  it('writes the request id once per line, whether or not the response ends inside the log context', async () => {
    const { sink, logger } = setup();
    const middleware = httpLogger({ logger, genReqId: () => 'once-1' });
    const port = await serve((req, res) => {
      if (req.url === '/inside') middleware(req, res, () => res.end('x'));
      else {
        middleware(req, res); // no next: the response ends outside the request's log context
        res.end('y');
      }
    });
    await get(port, '/inside');
    await get(port, '/outside');
    await until(() => sink.raw.length === 2);
    for (const raw of sink.raw) expect(raw.match(/"req_id"/g)).toHaveLength(1);
    expect(sink.lines.map((line) => line.req_id)).toEqual(['once-1', 'once-1']);
  });

  it('takes the request id from x-request-id, else from traceparent, and echoes it', async () => {
    const { sink, logger } = setup();
    const middleware = httpLogger({ logger });
    const port = await serve((req, res) => middleware(req, res, () => res.end()));
    const given = await get(port, '/', { 'x-request-id': 'abc-123' });
    const traced = await get(port, '/', {
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
    const invalid = await get(port, '/', { 'x-request-id': 'bad id with spaces', traceparent: 'garbage' });
    expect(given.headers['x-request-id']).toBe('abc-123');
    expect(traced.headers['x-request-id']).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(invalid.headers['x-request-id']).toMatch(/^[\da-f-]{36}$/);
    await until(() => sink.raw.length === 3);
  });

  it('logs at warn for 4xx, error for 5xx and skips ignored requests', async () => {
    const { sink, logger } = setup();
    const middleware = httpLogger({ logger, ignore: (req) => req.url === '/health', header: 'X-Trace' });
    const port = await serve((req, res) =>
      middleware(req, res, () => {
        res.statusCode = req.url === '/missing' ? 404 : req.url === '/boom' ? 500 : 200;
        res.end();
      }),
    );
    const health = await get(port, '/health');
    await get(port, '/missing');
    await get(port, '/boom');
    await until(() => sink.raw.length === 2);
    expect(health.headers['x-trace']).toBeDefined();
    expect(sink.lines.map((l) => [l.level, l.msg])).toEqual([
      ['warn', 'request rejected'],
      ['error', 'request failed'],
    ]);
  });

  it('logs an aborted request when the client goes away before the response ends', async () => {
    const { sink, logger } = setup();
    const middleware = httpLogger({ logger });
    const port = await serve((req, res) => middleware(req, res, () => res.write('partial')));
    await new Promise<void>((resolve) => {
      const req = request({ port, host: '127.0.0.1', path: '/slow' }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.end();
    });
    await until(() => sink.raw.length === 1);
    expect(sink.lines[0]).toMatchObject({ level: 'warn', msg: 'request aborted', req: { path: '/slow' } });
  });

  it('needs a logger', () => {
    expect(() => httpLogger({} as Parameters<typeof httpLogger>[0])).toThrow(ConfigurationError);
  });

  it.each([
    [{ header: 42 }, 'httpLogger.header', /a header name such as 'x-request-id'/],
    [{ header: '' }, 'httpLogger.header', /a header name/],
    [{ header: 'x request id' }, 'httpLogger.header', /a header name/],
    [{ field: 7 }, 'httpLogger.field', /a non-empty field name such as 'req_id'/],
    [{ field: '' }, 'httpLogger.field', /a non-empty field name/],
    [{ genReqId: 'uuid' }, 'httpLogger.genReqId', /a function \(req\) => string/],
    [{ ignore: 'health' }, 'httpLogger.ignore', /a function \(req\) => boolean/],
  ])('rejects %j at creation, naming the option and the fix', (bad, option, fix) => {
    const { logger } = setup();
    let thrown: unknown;
    try {
      httpLogger({ logger, ...bad } as never);
    } catch (error) {
      thrown = error;
    }
    expect(ConfigurationError.is(thrown)).toBe(true);
    expect((thrown as Error).message).toContain(`Invalid option ${option}:`);
    expect((thrown as Error).message).toMatch(fix);
  });

  it.each([
    [
      { ignores: () => true },
      /^Unknown option httpLogger.ignores \(did you mean ignore\?\): expected one of logger, header/,
    ],
    [{ headers: 'x-id' }, /^Unknown option httpLogger.headers \(did you mean header\?\)/],
  ])('rejects the unknown option in %j, naming the one it was meant to be', (bad, message) => {
    const { logger } = setup();
    expect(() => httpLogger({ logger, ...bad } as never)).toThrow(message);
  });

  it('rejects options that are not an object', () => {
    expect(() => httpLogger(null as never)).toThrow(/Invalid option httpLogger:/);
    expect(() => httpLogger('logger' as never)).toThrow(/Invalid option httpLogger:/);
  });

  it('redacts only secret-looking query parameters', () => {
    expect(safePath('/a')).toBe('/a');
    expect(safePath('/a?x=1&password=p&flag&%ZZ=1&Signature=s')).toBe(
      '/a?x=1&password=[REDACTED]&flag&%ZZ=1&Signature=[REDACTED]',
    );
  });

  it('treats key, sig and signature (as words of the name) as secret parameters', () => {
    expect(safePath('/maps?key=sk_live_123&sig=abc123&signature=s&apiKey=k&x-key=1&sig_v2=z')).toBe(
      '/maps?key=[REDACTED]&sig=[REDACTED]&signature=[REDACTED]&apiKey=[REDACTED]&x-key=[REDACTED]&sig_v2=[REDACTED]',
    );
    expect(safePath('/q?monkey=banana&keys=a,b&keyword=x&signal=on&%6Bey=k')).toBe(
      '/q?monkey=banana&keys=a,b&keyword=x&signal=on&%6Bey=[REDACTED]',
    );
  });

  it('treats passwords, PINs, one-time codes, JWTs and refresh tokens under short names as secret, and nothing harmless', () => {
    const secret = [
      'pwd',
      'pw',
      'pass',
      'new_pass',
      'passphrase',
      'pin',
      'userPIN',
      'otp',
      'totp',
      'jwt',
      'id_jwt',
      'refresh',
      'refresh_token',
      'client_secret',
      'client_assertion',
      'SAMLResponse',
      'ssn',
      'cvv',
      'cvc',
      'credit_card',
      'cardNumber',
    ];
    const query = secret.map((name) => `${name}=t0pSecret`).join('&');
    expect(safePath(`/login?${query}`)).toBe(
      `/login?${secret.map((name) => `${name}=[REDACTED]`).join('&')}`,
    );
    // …and not the common harmless ones, nor names that merely contain such a word.
    const harmless =
      'page=2&q=shoes&id=42&sort=price&limit=20&offset=40&next=%2Forders%3Fpage%3D3&nonce=n-1&state=s-1' +
      '&bypass=1&passenger=ada&compass=n&ping=1&spin=3&shipping=eu&opinion=ok&topic=t&keyword=x';
    expect(safePath(`/search?${harmless}`)).toBe(`/search?${harmless}`);
  });

  it('redacts a query value that holds a secret, percent-encoded or not', () => {
    expect(safePath('/s?q=Bearer%20abcdefghijk12345&page=2')).toBe('/s?q=[REDACTED]&page=2');
    expect(safePath('/s?q=Bearer+abcdefghijk12345')).toBe('/s?q=[REDACTED]');
    expect(safePath('/s?next=postgres%3A%2F%2Fapp%3Ahunter2%40db%2Fx')).toBe('/s?next=[REDACTED]');
    expect(safePath('/s?next=https://app:hunter2@db/x')).toBe('/s?next=[REDACTED]');
    expect(safePath('/s?msg=login%20failed%20password%3Dhunter2')).toBe('/s?msg=[REDACTED]');
    expect(safePath('/s?q=hello%20world&bad=%E0%A4%A&n=1')).toBe('/s?q=hello%20world&bad=%E0%A4%A&n=1');
  });

  it('logs the path with encoded secrets redacted', async () => {
    const { sink, logger } = setup();
    const middleware = httpLogger({ logger, genReqId: () => 'r' });
    const port = await serve((req, res) => middleware(req, res, () => res.end()));
    await get(port, '/find?key=sk_live_123&q=Bearer%20abcdefghijk12345&sig=abc123');
    await until(() => sink.raw.length === 1);
    expect(sink.lines[0]).toMatchObject({
      req: { path: '/find?key=[REDACTED]&q=[REDACTED]&sig=[REDACTED]' },
    });
    for (const secret of ['sk_live_123', 'abcdefghijk12345', 'abc123'])
      expect(sink.raw[0]).not.toContain(secret);
  });
  it('survives a genReqId or ignore that throws or returns junk, reporting each fault once', async () => {
    const { sink, logger } = setup();
    let calls = 0;
    const middleware = httpLogger({
      logger,
      genReqId: () => {
        calls++;
        if (calls === 1) throw new Error('id service down');
        return 'bad\r\nid' as string;
      },
      ignore: () => {
        throw new Error('ignore broke');
      },
    });
    const port = await serve((req, res) => middleware(req, res, () => res.end('ok')));
    const first = await get(port, '/a');
    const second = await get(port, '/b');
    const third = await get(port, '/c');
    await until(() => sink.lines.filter((line) => line.msg === 'request completed').length === 3);
    for (const response of [first, second, third]) {
      expect(response.status).toBe(200);
      expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
    const faults = sink.lines.filter((line) => line.level === 'error').map((line) => line.msg);
    expect(faults).toEqual([
      'httpLogger.genReqId threw; used a random UUID instead; reported once, handled the same way from now on',
      'httpLogger.ignore threw; the request was logged; reported once, handled the same way from now on',
      'httpLogger.genReqId returned no usable request id (a string of 1 to 256 printable ASCII characters); used a random UUID instead; reported once, handled the same way from now on',
    ]);
    expect(sink.lines.find((line) => line.level === 'error')).toMatchObject({
      err: { message: 'id service down' },
    });
  });
});
