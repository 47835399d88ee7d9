import { access, constants, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startProcess } from '@ballast/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, cliPath } from '../scripts/build.js';
import { type StubApi, startStubApi } from '../src/stub-api.js';

const root = fileURLToPath(new URL('..', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A home directory of the tests' own: no run of the CLI may write to the real one. */
const home = await mkdtemp(join(tmpdir(), 'courses-home-'));
const TOKEN = 'tok_live_9c2e4b7a1f3d';

/**
 * Runs the built CLI as a person would: `node dist/cli.js`, a child process with no loader,
 * with HOME inside the tests' own directory and no COURSES_ or XDG_ variable of ours.
 */
async function courses(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('COURSES_') && !key.startsWith('XDG_')),
  );
  const child = startProcess(process.execPath, [cliPath, ...args], {
    cwd: root,
    env: { ...clean, HOME: home, NO_COLOR: '1', ...env },
    name: `courses ${args.join(' ')}`,
  });
  const { code } = await child.exited;
  return { code, stdout: child.stdout(), stderr: child.stderr() };
}

/** Log lines of a log file, parsed. */
async function logLines(file: string): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(file, 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** What varies from run to run in doctor output: durations, sizes, shares, versions, ports. */
function normalize(text: string): string {
  return text
    .replace(/\(\d+ ms\)/g, '(N ms)')
    .replace(/\d+(\.\d+)? (B|KiB|MiB|GiB)\b/g, 'N $2')
    .replace(/\d+(\.\d+)?%/g, 'N%')
    .replace(/Node\.js \d+\.\d+\.\d+/g, 'Node.js N')
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT');
}

describe('courses CLI (child process)', () => {
  let cacheDir: string;
  let stateDir: string;
  let stub: StubApi;
  let env: Record<string, string>;

  beforeAll(async () => {
    // A fresh clone has no dist/: build it (well under a second), or rebuild it when a source changed.
    await buildCli({ ifStale: true });
    cacheDir = await mkdtemp(join(tmpdir(), 'courses-cli-'));
    stateDir = join(cacheDir, 'state');
    stub = await startStubApi();
    env = {
      COURSES_CACHE_DIR: cacheDir,
      COURSES_API_URL: stub.url,
      COURSES_API_TOKEN: TOKEN,
      XDG_STATE_HOME: stateDir,
    };
  });
  afterAll(async () => {
    await stub.close();
    await rm(cacheDir, { recursive: true, force: true });
    await rm(home, { recursive: true, force: true });
  });

  it('is built into an executable ESM entry and its chunks that plain node runs: Ballast bundled from source', async () => {
    const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    expect(join(root, pkg.bin.courses ?? '')).toBe(cliPath);
    const code = await readFile(cliPath, 'utf8');
    expect(code.startsWith('#!/usr/bin/env node\n')).toBe(true);
    await access(cliPath, constants.X_OK);
    const chunks = await readdir(join(root, 'dist', 'chunks'));
    for (const file of [cliPath, ...chunks.map((chunk) => join(root, 'dist', 'chunks', chunk))]) {
      expect(await readFile(file, 'utf8')).not.toMatch(/from ?["']@ballast\//); // nothing to resolve at run time
    }
    const meta = JSON.parse(await readFile(join(root, 'dist', 'meta.json'), 'utf8')) as { inputs: object };
    const inputs = Object.keys(meta.inputs);
    expect(inputs).toContain('../../packages/health/src/index.ts');
    expect(inputs.filter((input) => input.includes('/dist/') && input.includes('packages/'))).toEqual([]);
    expect(await buildCli({ ifStale: true })).toMatchObject({ built: false }); // up to date: not rebuilt
  });

  it('keeps the doctor light: what the entry loads holds no cache, logger or resilience code', async () => {
    const meta = JSON.parse(await readFile(join(root, 'dist', 'meta.json'), 'utf8')) as {
      outputs: Record<string, { imports: Array<{ path: string; kind: string }>; inputs: object }>;
    };
    const { outputs } = meta;
    // dist/cli.js and every chunk it imports statically: what `courses doctor` reads.
    const loaded = new Set<string>();
    const visit = (path: string) => {
      const output = outputs[path];
      if (loaded.has(path) || output === undefined) return;
      loaded.add(path);
      for (const imported of output.imports) if (imported.kind === 'import-statement') visit(imported.path);
    };
    visit('dist/cli.js');
    expect(loaded.size).toBe(2); // the entry and the chunk it shares with the data commands
    const inputs = [...loaded].flatMap((path) => Object.keys(outputs[path]?.inputs ?? {}));
    expect(inputs).toContain('src/doctor.ts');
    expect(inputs.filter((input) => /packages\/(cache|logger|resilience)\/|undici/.test(input))).toEqual([]);
    const dynamic = outputs['dist/cli.js']?.imports.filter((imported) => imported.kind === 'dynamic-import');
    expect(dynamic?.map((imported) => imported.path)).toEqual([
      expect.stringMatching(/^dist\/chunks\/run-command-/),
    ]);
  });

  it('prints its usage with the cache TTL of every data type', async () => {
    const run = await courses(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('doctor [--production] [--json]');
    expect(run.stdout).toContain('courses 1h, assignments 30m, users 2h, grades 15m');
  });

  it('lists courses from the local stub API, caching under XDG_CACHE_HOME and logging under XDG_STATE_HOME', async () => {
    const xdg = join(home, 'xdg');
    const run = await courses(['list'], {
      XDG_CACHE_HOME: join(xdg, 'cache'),
      XDG_STATE_HOME: join(xdg, 'state'),
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split('\n')[0]).toMatch(/^ID\s+TITLE\s+TEACHER$/);
    expect(run.stdout).toMatch(/1\s+Algebra I\s+Ada Lovelace/);
    expect((await readdir(join(xdg, 'cache', 'courses-cli'), { recursive: true })).length).toBeGreaterThan(0);
    const lines = await logLines(join(xdg, 'state', 'courses-cli', 'courses.log'));
    expect(lines.map((line) => line.msg)).toEqual([
      'courses list',
      'GET /courses 200',
      'GET /users?ids=u1,u2,u3 200', // the teachers in one batched request
      'done',
    ]);
  });

  it('defaults its state directory to ~/.local/state/courses-cli', async () => {
    const run = await courses(['user', 'u1'], { XDG_CACHE_HOME: join(home, 'cache-2') });
    expect(run.code, run.stderr).toBe(0);
    const lines = await logLines(join(home, '.local', 'state', 'courses-cli', 'courses.log'));
    expect(lines.at(-1)).toMatchObject({ level: 'info', name: 'courses-cli', msg: 'done' });
  });

  it('logs every request with the token redacted, and --verbose mirrors the lines on stderr', async () => {
    const run = await courses(['grades', '1', '--verbose'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Kim Pupil\s+a1\s+88$/m);
    expect(run.stderr).toMatch(
      /DEBUG courses-cli: GET \/courses\/1\/grades 200 .*authorization: '\[REDACTED\]'/,
    );
    expect(run.stderr).toMatch(/INFO {2}courses-cli: done/);
    const file = await readFile(join(stateDir, 'courses-cli', 'courses.log'), 'utf8');
    expect(file).toContain('"authorization":"[REDACTED]"');
    expect(file).not.toContain(TOKEN);
    expect(run.stderr).not.toContain(TOKEN);
    const quiet = await courses(['grades', '1'], env); // cached now, and no mirror without --verbose
    expect(quiet.stderr).toBe('');
  });

  it('caches on disk across runs: the second run and a run during an outage make no request', async () => {
    const before = stub.requests.length;
    const first = await courses(['course', '3'], env);
    expect(first.stdout.trim()).toBe('World History (course 3), taught by Ada Lovelace');
    expect(stub.requests.slice(before)).toEqual(['/courses/3', '/users?ids=u1']);
    const second = await courses(['course', '3'], env);
    expect(second.stdout).toBe(first.stdout);
    expect(stub.requests.length).toBe(before + 2);
    stub.conditions = ['down'];
    try {
      const duringOutage = await courses(['course', '3'], env);
      expect(duringOutage.code).toBe(0);
      expect(duringOutage.stdout).toBe(first.stdout);
      expect(stub.requests.length).toBe(before + 2);
    } finally {
      stub.conditions = ['ok'];
    }
    expect((await courses(['cache', 'clear'], env)).stdout.trim()).toBe('Cache cleared.');
    await courses(['course', '3'], env);
    expect(stub.requests.length).toBe(before + 4);
  });

  it('in an outage with nothing cached: 3 attempts, then the breaker, and what to do', async () => {
    stub.conditions = ['down'];
    const before = stub.requests.length;
    try {
      const run = await courses(['assignments', '4'], env);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('The courses API is unavailable right now.');
      expect(run.stderr).toContain(
        '- Try again in a few minutes; data you opened in the last day is still shown',
      );
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(stub.requests.length - before).toBe(3);
    } finally {
      stub.conditions = ['ok'];
    }
  });

  it('explains a missing course with toUserMessage and exits 1, without a stack trace', async () => {
    const run = await courses(['course', '9'], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Course 9 was not found.');
    expect(run.stderr).toContain('Try:\n  - Run `courses list` to see the courses you can open.');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('tells the person how long to wait when the API rate limits for longer than it waits', async () => {
    const run = await courses(['grades', '2'], { ...env, COURSES_API_URL: '', COURSES_STUB: 'rate-limited' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Too many requests');
    expect(run.stderr).toContain('- Wait 30s before trying again.');
  });

  it('says the token expired and how to get a new one', async () => {
    const run = await courses(['user', 'u2'], { ...env, COURSES_API_TOKEN: 'expired-2026-11' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Your API token has expired.');
    expect(run.stderr).toContain(
      '- Create a new token under Settings → API tokens and export COURSES_API_TOKEN.',
    );
  });

  it('says the API could not be reached and suggests the doctor', async () => {
    const port = await freePort(); // nothing listens on it once freePort has closed it
    const run = await courses(['assignments', '1'], { ...env, COURSES_API_URL: `http://127.0.0.1:${port}` });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^The courses API could not be reached\. /);
    expect(run.stderr).toContain(
      `(The courses API at http://127.0.0.1:${port} could not be reached, 3 times in a row`,
    );
    expect(run.stderr).toContain('- Check your network connection and COURSES_API_URL.');
    expect(run.stderr).toContain('- Run `courses doctor` to see what is wrong.');
  });

  it('rejects an unknown command or stub condition with exit code 2', async () => {
    const run = await courses(['enrol'], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Unknown command enrol');
    const stubRun = await courses(['list'], { ...env, COURSES_API_URL: '', COURSES_STUB: 'ok,sunny' });
    expect(stubRun.code).toBe(2);
    expect(stubRun.stderr).toContain(
      'Use one or more of ok, down, storm, rate-limited, expired-token, low-quota',
    );
  });

  it('keeps working without its disk cache and its log file, and the doctor says why', async () => {
    const file = join(cacheDir, 'a-file');
    await writeFile(file, '');
    const broken = { ...env, COURSES_CACHE_DIR: join(file, 'cache'), XDG_STATE_HOME: join(file, 'state') };
    const run = await courses(['course', '2'], broken);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe('Organic Chemistry (course 2), taught by Rosalind Franklin');
    const doctor = await courses(['doctor'], broken);
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(/^⚠ cache .* is not writable \(ENOTDIR\): every command goes to the API$/m);
    expect(doctor.stdout).toMatch(
      /^⚠ logs .* cannot be written \(ENOTDIR\): commands run without a log file$/m,
    );
    expect(doctor.stdout).toContain('Overall Status: DEGRADED');
  });

  it('doctor: HEALTHY and exit 0 when everything passes', async () => {
    const run = await courses(['doctor'], env);
    expect(run.code, run.stdout).toBe(0);
    for (const check of ['node', 'config', 'api', 'auth', 'rate-limit', 'cache', 'logs', 'memory']) {
      expect(run.stdout).toMatch(new RegExp(`^✓ ${check} \\(\\d+ ms\\)`, 'm'));
    }
    expect(run.stdout).toMatch(/^✓ auth .* — token accepted: signed in as Ada Lovelace \(u1\)$/m);
    expect(run.stdout).toContain('Overall Status: HEALTHY');
    expect(run.stdout).not.toContain('Recommended Actions');
  });

  it('doctor: DEGRADED, a ⚠ line, the action to take and exit 1 without a token', async () => {
    const run = await courses(['doctor'], { ...env, COURSES_API_TOKEN: '' });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^⚠ auth .* — COURSES_API_TOKEN is not set$/m);
    expect(run.stdout).toContain('Overall Status: DEGRADED');
    expect(run.stdout).toMatch(/Recommended Actions:\n {2}1\. auth: Create a token/);
  });

  it('doctor --production: UNHEALTHY and exit 2 for a plain-http API', async () => {
    const run = await courses(['doctor', '--production'], env);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/^✗ config .* is not https$/m);
    expect(run.stdout).toContain('Overall Status: UNHEALTHY');
    expect(run.stdout).toContain('config: Use the https:// address of the API');
  });

  it('doctor --json during an outage: the health+json report, API failed, exit 2', async () => {
    stub.conditions = ['down'];
    try {
      const run = await courses(['doctor', '--json'], env);
      expect(run.code).toBe(2);
      const report = JSON.parse(run.stdout) as {
        status: string;
        checks: Record<string, Array<{ componentId: string; status: string; output?: string }>>;
      };
      expect(report.status).toBe('fail');
      const status = Object.fromEntries(
        Object.values(report.checks)
          .flat()
          .map((check) => [check.componentId, check.status]),
      );
      expect(status).toMatchObject({ node: 'pass', api: 'fail', auth: 'warn', 'rate-limit': 'warn' });
    } finally {
      stub.conditions = ['ok'];
    }
  });

  it('doctor output matches the example in the README (expired token, quota nearly used up)', async () => {
    const readme = await readFile(join(root, 'README.md'), 'utf8');
    const block = /<!-- doctor-example -->\n```\n\$ (.*)\n([\s\S]*?)\n```/.exec(readme);
    expect(block, 'README.md has a <!-- doctor-example --> block').not.toBeNull();
    const [, commandLine = '', expected = ''] = block ?? [];
    // The situation the README describes: a cache filled on Friday, then Monday's doctor.
    const own = { HOME: await mkdtemp(join(home, 'readme-')) };
    expect((await courses(['list'], own)).code).toBe(0);
    expect((await courses(['grades', '1'], own)).code).toBe(0);
    expect(commandLine.trim().endsWith('courses doctor')).toBe(true);
    const variables = Object.fromEntries(
      [...commandLine.matchAll(/(\w+)=(\S+)/g)].map((match) => [match[1] as string, match[2] as string]),
    );
    const run = await courses(['doctor'], { ...own, ...variables });
    expect(run.code).toBe(2);
    expect(normalize(run.stdout.trim())).toBe(normalize(expected.trim()));
  });
});
