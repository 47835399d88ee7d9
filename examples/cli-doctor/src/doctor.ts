import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Cache } from '@ballast/cache';
import { createHealth, diskSpaceCheck, type Health, type HealthCheck, httpCheck } from '@ballast/health';
import type { CliConfig } from './config.js';

/** What the doctor needs to know about this run. */
export interface DoctorInput {
  config: CliConfig;
  /** The API URL actually used (the stub's when `config.apiUrl` is unset). */
  apiUrl: string;
  cache: Cache;
  /** Stricter checks: what is a warning on a laptop is a failure in production. */
  production: boolean;
}

/** The directory itself if it exists, else its nearest existing parent (for the free-space check). */
function existingAncestor(dir: string): string {
  let current = dir;
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  return current;
}

const MIN_NODE = [20, 19] as const;

function nodeCheck(): HealthCheck {
  return {
    name: 'node',
    run() {
      const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
      const ok = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
      return ok
        ? { status: 'pass', output: `Node.js ${process.versions.node}` }
        : {
            status: 'fail',
            output: `Node.js ${process.versions.node} is older than ${MIN_NODE.join('.')}`,
            suggestion: `Install Node.js ${MIN_NODE.join('.')} or newer.`,
          };
    },
  };
}

function apiConfigCheck({ config, production }: DoctorInput): HealthCheck {
  return {
    name: 'api-config',
    run() {
      if (config.apiUrl === undefined) {
        return production
          ? {
              status: 'fail',
              output: 'COURSES_API_URL is not set: using the local stub API',
              suggestion: 'Set COURSES_API_URL to the https:// address of the courses API.',
            }
          : { status: 'pass', output: 'using the local stub API (set COURSES_API_URL for the real one)' };
      }
      if (production && !config.apiUrl.startsWith('https://')) {
        return {
          status: 'fail',
          output: `${config.apiUrl} is not https`,
          suggestion: 'Use the https:// address of the API: tokens must not travel in clear text.',
        };
      }
      return { status: 'pass', output: config.apiUrl };
    },
  };
}

function tokenCheck({ config, production }: DoctorInput): HealthCheck {
  return {
    name: 'api-token',
    critical: production,
    run() {
      if (config.token !== undefined)
        return { status: 'pass', output: `set (${config.token.length} characters)` };
      return {
        status: production ? 'fail' : 'warn',
        output: 'COURSES_API_TOKEN is not set',
        suggestion: 'Create a token under Settings → API tokens and export COURSES_API_TOKEN.',
      };
    },
  };
}

function cacheDirCheck({ config, production }: DoctorInput): HealthCheck {
  return {
    name: 'cache-dir',
    critical: production,
    async run() {
      const probe = join(config.cacheDir, `.doctor-${randomBytes(4).toString('hex')}`);
      try {
        await mkdir(config.cacheDir, { recursive: true });
        await writeFile(probe, 'ok');
        await rm(probe, { force: true });
        return { status: 'pass', output: config.cacheDir };
      } catch (error) {
        return {
          status: production ? 'fail' : 'warn',
          output: `${config.cacheDir} is not writable (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
          suggestion:
            'Point COURSES_CACHE_DIR at a writable directory; the CLI works without it, but every call goes to the API.',
        };
      }
    },
  };
}

/**
 * The doctor's checks: Node version, API configuration, token, API reachability, cache
 * directory, free disk space and the disk tier of the cache. In production the token and
 * cache directory are critical and the API must be https.
 */
export function createDoctor(input: DoctorInput): Health {
  const token = input.config.token;
  return createHealth({
    service: { name: 'courses-cli', version: '1.0.0' },
    timeout: '3s',
    checks: [
      nodeCheck(),
      apiConfigCheck(input),
      tokenCheck(input),
      httpCheck(`${input.apiUrl}/health`, {
        name: 'api',
        timeout: '2s',
        ...(token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } }),
      }),
      cacheDirCheck(input),
      diskSpaceCheck(existingAncestor(input.config.cacheDir), { name: 'disk-space', critical: false }),
      { name: 'cache', critical: false, run: (signal) => input.cache.health.check(signal) },
    ],
  });
}
