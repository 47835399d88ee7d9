import { execFile } from 'node:child_process';
import { access, constants, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@ballast/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, cliPath } from '../scripts/build.js';
import { type StubApi, startStubApi } from '../src/stub-api.js';

const root = fileURLToPath(new URL('..', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A home directory of the tests' own: no run of the CLI may write to the real one. */
const home = await mkdtemp(join(tmpdir(), 'courses-home-'));

/**
 * Runs the built CLI as a person would: `node dist/cli.js`, a child process with no loader,
 * with HOME and XDG_CACHE_HOME inside the tests' own directory.
 */
function courses(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('COURSES_') && !key.startsWith('XDG_')),
  );
  Object.assign(clean, { HOME: home, XDG_CACHE_HOME: join(home, '.cache') });
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cliPath, ...args],
      { cwd: root, env: { ...clean, NO_COLOR: '1', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('courses CLI (child process)', () => {
  let cacheDir: string;
  let stub: StubApi;
  let env: Record<string, string>;

  beforeAll(async () => {
    // A fresh clone has no dist/: build it (about half a second), or rebuild it when a source changed.
    await buildCli({ ifStale: true });
    cacheDir = await mkdtemp(join(tmpdir(), 'courses-cli-'));
    stub = await startStubApi();
    env = { COURSES_CACHE_DIR: cacheDir, COURSES_API_URL: stub.url, COURSES_API_TOKEN: 'test-token' };
  });
  afterAll(async () => {
    await stub.close();
    await rm(cacheDir, { recursive: true, force: true });
    await rm(home, { recursive: true, force: true });
  });

  it('caches under $XDG_CACHE_HOME/courses-cli when COURSES_CACHE_DIR is unset', async () => {
    const xdg = join(home, 'xdg-cache');
    const run = await courses(['list'], { XDG_CACHE_HOME: xdg });
    expect(run.code, run.stderr).toBe(0);
    const written = await readdir(join(xdg, 'courses-cli'), { recursive: true });
    expect(written.length).toBeGreaterThan(0);
  });

  it('is built into one executable ESM file that plain node runs: the package bin, Ballast bundled from source', async () => {
    const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    expect(join(root, pkg.bin.courses ?? '')).toBe(cliPath);
    const code = await readFile(cliPath, 'utf8');
    expect(code.startsWith('#!/usr/bin/env node\n')).toBe(true);
    await access(cliPath, constants.X_OK);
    expect(code).not.toMatch(/from ["']@ballast\//); // bundled: nothing to resolve at run time
    const meta = JSON.parse(await readFile(join(root, 'dist', 'meta.json'), 'utf8')) as { inputs: object };
    const inputs = Object.keys(meta.inputs);
    expect(inputs).toContain('../../packages/health/src/index.ts');
    expect(inputs.filter((input) => input.includes('/dist/') && input.includes('packages/'))).toEqual([]);
    expect(await buildCli({ ifStale: true })).toMatchObject({ built: false }); // up to date: not rebuilt
  });

  it('prints its usage with the cache TTL of every data type', async () => {
    const run = await courses(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('doctor [--production] [--json]');
    expect(run.stdout).toContain('courses 1h, assignments 30m, users 2h, grades 15m');
  });

  it('lists courses from the local stub API when COURSES_API_URL is unset', async () => {
    const run = await courses(['list'], { COURSES_CACHE_DIR: join(cacheDir, 'own-stub') });
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toMatch(/^ID\s+TITLE\s+TEACHER$/);
    expect(run.stdout).toMatch(/1\s+Algebra I\s+Ada Lovelace/);
  });

  it('caches on disk across runs: the second run and a run during an API outage make no request', async () => {
    const first = await courses(['course', '1'], env);
    expect(first.stdout.trim()).toBe('Algebra I (course 1), taught by Ada Lovelace');
    expect(stub.requests).toEqual(['/courses/1', '/users/u1']);
    const second = await courses(['course', '1'], env);
    expect(second.stdout).toBe(first.stdout);
    expect(stub.requests).toHaveLength(2);
    stub.mode = 'down';
    try {
      const duringOutage = await courses(['course', '1'], env);
      expect(duringOutage.code).toBe(0);
      expect(duringOutage.stdout).toBe(first.stdout);
      expect(stub.requests).toHaveLength(2);
    } finally {
      stub.mode = 'ok';
    }
    expect((await courses(['cache', 'clear'], env)).stdout.trim()).toBe('Cache cleared.');
    await courses(['course', '1'], env);
    expect(stub.requests).toHaveLength(4);
  });

  it('explains a missing course with toUserMessage and exits 1, without a stack trace', async () => {
    const run = await courses(['course', '9'], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Course 9 was not found.');
    expect(run.stderr).toContain('Try:\n  - Run `courses list` to see the courses you can open.');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('tells the person how long to wait when the API rate limits', async () => {
    const run = await courses(['grades', '2'], { ...env, COURSES_API_URL: '', COURSES_STUB: 'rate-limited' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Too many requests');
    expect(run.stderr).toContain('- Wait 30s before trying again.');
  });

  it('points at the token when the API refuses it', async () => {
    const run = await courses(['user', 'u2'], { ...env, COURSES_API_TOKEN: 'expired' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('(The courses API refused the token)');
    expect(run.stderr).toContain('- Set COURSES_API_TOKEN to a valid API token');
  });

  it('says the API could not be reached and suggests the doctor', async () => {
    const port = await freePort(); // nothing listens on it once freePort has closed it;
    const run = await courses(['assignments', '1'], { ...env, COURSES_API_URL: `http://127.0.0.1:${port}` });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`The courses API at http://127.0.0.1:${port} could not be reached`);
    expect(run.stderr).toContain('- Run `courses doctor` to see what is wrong.');
  });

  it('keeps working without its disk cache, and the doctor says why', async () => {
    const file = join(cacheDir, 'a-file');
    await writeFile(file, '');
    const broken = { ...env, COURSES_CACHE_DIR: join(file, 'cache') };
    const run = await courses(['course', '2'], broken);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe('Organic Chemistry (course 2), taught by Rosalind Franklin');
    const doctor = await courses(['doctor'], broken);
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(/^⚠ cache-dir .* is not writable \(ENOTDIR\)$/m);
    expect(doctor.stdout).toContain('Overall Status: DEGRADED');
  });

  it('rejects an unknown command with exit code 2', async () => {
    const run = await courses(['enrol'], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Unknown command enrol');
  });

  it('doctor: HEALTHY and exit 0 when everything passes', async () => {
    const run = await courses(['doctor'], env);
    expect(run.code).toBe(0);
    for (const check of ['node', 'api-config', 'api-token', 'api', 'cache-dir', 'disk-space', 'cache']) {
      expect(run.stdout).toMatch(new RegExp(`^✓ ${check} \\(\\d+ ms\\)`, 'm'));
    }
    expect(run.stdout).toContain('Overall Status: HEALTHY');
    expect(run.stdout).not.toContain('Recommended Actions');
  });

  it('doctor: DEGRADED, a ⚠ line, the action to take and exit 1 without a token', async () => {
    const run = await courses(['doctor'], { ...env, COURSES_API_TOKEN: '' });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^⚠ api-token .* — COURSES_API_TOKEN is not set$/m);
    expect(run.stdout).toContain('Overall Status: DEGRADED');
    expect(run.stdout).toMatch(/Recommended Actions:\n {2}1\. api-token: Create a token/);
  });

  it('doctor --production: UNHEALTHY and exit 2 for a plain-http API', async () => {
    const run = await courses(['doctor', '--production'], env);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/^✗ api-config .* is not https$/m);
    expect(run.stdout).toContain('Overall Status: UNHEALTHY');
    expect(run.stdout).toContain('api-config: Use the https:// address of the API');
  });

  it('doctor --json: the health+json report, with the same exit code', async () => {
    stub.mode = 'down';
    try {
      const run = await courses(['doctor', '--json'], env);
      expect(run.code).toBe(2);
      const report = JSON.parse(run.stdout) as {
        status: string;
        checks: Record<string, Array<{ componentId: string; status: string }>>;
      };
      expect(report.status).toBe('fail');
      const status = Object.fromEntries(
        Object.values(report.checks)
          .flat()
          .map((check) => [check.componentId, check.status]),
      );
      expect(status).toMatchObject({ node: 'pass', api: 'fail', 'api-token': 'pass' });
    } finally {
      stub.mode = 'ok';
    }
  });
});
