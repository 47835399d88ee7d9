import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@ballast/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readConfig, shownPath } from '../src/config.js';
import { formatBytes } from '../src/doctor.js';
import { httpGet } from '../src/http.js';
import { main } from '../src/main.js';
import { createStubApi, type StubApi, startStubApi } from '../src/stub-api.js';

// `main` in process, with the stub's transport (no socket) and directories of the test's
// own: the same runs as test/cli.test.ts, where coverage can see them.

describe('main (in process)', () => {
  let dir: string;
  let stub: StubApi;
  let out: string[];
  let err: string[];
  const io = { out: (text: string) => void out.push(text), err: (text: string) => void err.push(text) };
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'courses-main-'));
    stub = createStubApi();
    out = [];
    err = [];
    env = { HOME: dir, COURSES_API_URL: stub.url, COURSES_API_TOKEN: 'tok_main_test' };
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const run = (argv: string[], extra: NodeJS.ProcessEnv = {}, clock?: ManualClock) =>
    main(argv, { ...env, ...extra }, io, { transport: stub.transport, ...(clock ? { clock } : {}) });

  it('prints the usage: exit 0 when asked, 2 with no command', async () => {
    expect(await run(['--help'])).toBe(0);
    expect(await run([])).toBe(2);
    expect(out.join('\n')).toContain('--verbose (-v) also prints the log lines on stderr.');
  });

  it('runs a data command through the cache, the batcher and the log file', async () => {
    expect(await run(['list'])).toBe(0);
    expect(out[0]).toMatch(/2\s+Organic Chemistry\s+Rosalind Franklin/);
    expect(stub.requests).toEqual(['/courses', '/users?ids=u1,u2,u3']);
    expect(await run(['user', 'u2'])).toBe(0); // cached by the list
    expect(out[1]).toBe('Rosalind Franklin (teacher, u2)');
    expect(stub.requests).toHaveLength(2);
    const log = await readFile(join(dir, '.local', 'state', 'courses-cli', 'courses.log'), 'utf8');
    expect(log).toContain('"msg":"GET /users?ids=u1,u2,u3 200"');
    expect(log).not.toContain('tok_main_test');
    expect(await run(['assignments', '3'])).toBe(0);
    expect(out[2]).toBe('No assignments in course 3.');
    expect(await run(['grades', '4'])).toBe(0);
    expect(out[3]).toBe('No grades in course 4 yet.');
  });

  it('mirrors the log on stderr with --verbose (or -v)', async () => {
    expect(await run(['assignments', '1', '-v'])).toBe(0);
    expect(out[0]).toMatch(/a2\s+Quadratics\s+2026-12-15/);
    expect(err.join('\n')).toMatch(/DEBUG courses-cli: GET \/courses\/1\/assignments 200/);
  });

  it('serves from the cache during an outage and says so', async () => {
    // The grades were cached 20 minutes ago (their TTL is 15): a run on a clock set back
    // that far, moved only by advance(0), so that no timeout races the disk.
    const then = new ManualClock({ now: Date.now() - 20 * 60_000 });
    let code: number | undefined;
    void run(['grades', '2'], {}, then).then((value) => {
      code = value;
    });
    while (code === undefined) await then.advance(0);
    expect(code, err.join('\n')).toBe(0);
    expect(stub.requests).toEqual(['/courses/2/grades', '/users?ids=s1']);
    stub.conditions = ['down'];
    expect(await run(['grades', '2']), err.join('\n')).toBe(0); // now, on the real clock
    expect(stub.requests.slice(2)).toEqual(['/courses/2/grades', '/courses/2/grades', '/courses/2/grades']);
    expect(out[1]).toBe(out[0]);
    expect(err).toContain('(Some of this is from the cache: the courses API could not answer.)');
  });

  it('shows and clears the cache, and rejects what it does not know with exit 2', async () => {
    await run(['course', '1']);
    expect(await run(['cache', 'stats'])).toBe(0);
    expect(JSON.parse(out[1] ?? '{}')).toMatchObject({ misses: expect.any(Number) });
    expect(await run(['cache', 'clear'])).toBe(0);
    expect(out[2]).toBe('Cache cleared.');
    expect(await run(['cache', 'shrink'])).toBe(2);
    expect(await run(['course'])).toBe(2);
    expect(err.join('\n')).toContain('Usage: courses course <course-id>');
    expect(await run(['doctor', '--fast'])).toBe(2);
    expect(err.join('\n')).toContain('Unknown doctor option --fast');
  });

  it('doctor: HEALTHY with every line, and --json', async () => {
    expect(await run(['doctor'])).toBe(0);
    const text = out[0] ?? '';
    expect(text).toMatch(
      /^✓ config .* — http:\/\/stub\.invalid, cache ~\/\.cache\/courses-cli, logs ~\/\.local/m,
    );
    expect(text).toMatch(/^✓ rate-limit .* — 59 of 60 requests left \(98%\); the window resets in 1h$/m);
    expect(text).toMatch(/^✓ cache .* — 0 entries, 0 B in ~\/\.cache\/courses-cli/m);
    expect(text).toMatch(/^✓ logs .* — ~\/\.local\/state\/courses-cli\/courses\.log, not written yet/m);
    expect(await run(['doctor', '--json'])).toBe(0);
    expect(JSON.parse(out[1] ?? '{}')).toMatchObject({ status: 'pass', serviceId: 'courses-cli' });
  });

  it('doctor: a refused token, a used-up quota, an unreachable API, production rules', async () => {
    stub.conditions = ['expired-token'];
    expect(await run(['doctor'], { COURSES_API_TOKEN: 'x' })).toBe(2);
    expect(out[0]).toMatch(/^✗ auth .* — GET \/me answered 401 \(The access token expired\.\)$/m);
    stub = createStubApi({ quota: { limit: 10, windowMs: 60_000, used: 10 } });
    expect(await run(['doctor'])).toBe(1);
    expect(out[1]).toMatch(/^⚠ rate-limit .* — 0 of 10 requests left \(0%\); the window resets in 1m$/m);
    expect(out[1]).toMatch(/^⚠ auth .* — not checked: GET \/me answered 429/m);
    expect(await run(['doctor', '--production'], { COURSES_API_URL: 'https://api.example.com' })).not.toBe(0);
    expect(out[2]).toMatch(/^✓ config .* — https:\/\/api\.example\.com, cache/m);
    const unreachable = async () => {
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    };
    expect(await main(['doctor'], env, io, { transport: unreachable })).toBe(2);
    expect(out[3]).toMatch(/^✗ api .* — http:\/\/stub\.invalid could not be reached \(ECONNREFUSED\)$/m);
    expect(out[3]).toMatch(/^⚠ auth .* — not checked: the API could not be reached$/m);
  });
});

describe('the pieces', () => {
  it('reads the XDG directories, with ~/.cache and ~/.local/state as defaults', () => {
    expect(readConfig({ HOME: '/home/ada' })).toMatchObject({
      apiUrl: undefined,
      cacheDir: '/home/ada/.cache/courses-cli',
      stateDir: '/home/ada/.local/state/courses-cli',
      logFile: '/home/ada/.local/state/courses-cli/courses.log',
      stub: ['ok'],
    });
    expect(
      readConfig({ HOME: '/h', XDG_CACHE_HOME: '/c', XDG_STATE_HOME: '/s', COURSES_STUB: 'down, storm' }),
    ).toMatchObject({ cacheDir: '/c/courses-cli', stateDir: '/s/courses-cli', stub: ['down', 'storm'] });
    expect(shownPath('/home/ada/.cache/x', '/home/ada')).toBe('~/.cache/x');
    expect(shownPath('/home/adam/x', '/home/ada')).toBe('/home/adam/x');
  });

  it('formats byte counts', () => {
    expect([formatBytes(512), formatBytes(1536), formatBytes(3 * 1024 * 1024)]).toEqual([
      '512 B',
      '1.5 KiB',
      '3.0 MiB',
    ]);
  });

  it('httpGet: a GET over node:http with the headers and body', async () => {
    const server = await startStubApi();
    try {
      const res = await httpGet(`${server.url}/me`, { headers: { authorization: 'Bearer t' } });
      expect(res.status).toBe(200);
      expect(res.headers['ratelimit-limit']).toBe('60');
      expect(JSON.parse(res.body)).toMatchObject({ id: 'u1' });
      expect(server.requests).toEqual(['/me']);
    } finally {
      await server.close();
    }
  });
});
