import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatDuration, type HealthResult, parseSize } from '@ballast/core';
import { createHealth, type Health, type HealthCheck, memoryCheck } from '@ballast/health';
import { type CliConfig, LOG_ROTATION, shownPath, TTLS } from './config.js';
import { type HttpResponse, headerOf, httpGet, type Transport } from './http.js';

/** What the doctor needs to know about this run. */
export interface DoctorInput {
  config: CliConfig;
  /** The API URL actually used (the local stub's when `config.apiUrl` is unset). */
  apiUrl: string;
  /** The token sent (the local stub's demo token when `COURSES_API_TOKEN` is unset). */
  token: string | undefined;
  /** Stricter checks: what is a warning on a laptop is a failure in production. */
  production: boolean;
  /** @defaultValue {@link httpGet} */
  transport?: Transport;
}

const MIN_NODE = [20, 19] as const;
const TOKEN_HELP = 'Create a new token under Settings → API tokens and export COURSES_API_TOKEN.';

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

/** The configuration on one line; in production the API must be set and https. */
function configCheck({ config, production }: DoctorInput): HealthCheck {
  const shown = (path: string) => shownPath(path, config.home);
  const where = `cache ${shown(config.cacheDir)}, logs ${shown(config.logFile)}`;
  return {
    name: 'config',
    run(): HealthResult {
      if (config.apiUrl === undefined) {
        return production
          ? {
              status: 'fail',
              output: `COURSES_API_URL is not set: the local stub API answers; ${where}`,
              suggestion: 'Set COURSES_API_URL to the https:// address of the courses API.',
            }
          : { status: 'pass', output: `the local stub API (COURSES_API_URL is unset), ${where}` };
      }
      if (production && !config.apiUrl.startsWith('https://')) {
        return {
          status: 'fail',
          output: `${config.apiUrl} is not https`,
          suggestion: 'Use the https:// address of the API: tokens must not travel in clear text.',
        };
      }
      return { status: 'pass', output: `${config.apiUrl}, ${where}` };
    },
  };
}

function reachabilityCheck({ apiUrl, transport = httpGet }: DoctorInput): HealthCheck {
  return {
    name: 'api',
    async run(signal): Promise<HealthResult> {
      let res: HttpResponse;
      try {
        res = await transport(`${apiUrl}/health`, { headers: { accept: 'application/json' }, signal });
      } catch (error) {
        return {
          status: 'fail',
          output: `${apiUrl} could not be reached (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
          suggestion: 'Check your network connection and COURSES_API_URL.',
        };
      }
      if (res.status >= 200 && res.status < 300) {
        return { status: 'pass', output: `GET ${apiUrl}/health answered ${res.status}` };
      }
      return {
        status: 'fail',
        output: `GET ${apiUrl}/health answered ${res.status}${detailOf(res)}`,
        suggestion:
          'The API is down: try again later. Meanwhile the CLI answers from its cache what was opened in the last day.',
      };
    },
  };
}

/** ` (the problem's detail)`, or nothing. */
function detailOf(res: HttpResponse): string {
  try {
    const detail = (JSON.parse(res.body) as { detail?: unknown }).detail;
    return typeof detail === 'string' ? ` (${detail})` : '';
  } catch {
    return '';
  }
}

/** The rate-limit facts of an answer: `RateLimit-*`, or `X-RateLimit-*` with an epoch reset. */
export function quotaOf(
  res: HttpResponse,
  now: number,
): { limit: number; remaining: number; resetMs?: number } | undefined {
  const ietf = headerOf(res.headers, 'ratelimit-remaining') !== undefined;
  const prefix = ietf ? 'ratelimit-' : 'x-ratelimit-';
  const remaining = Number(headerOf(res.headers, `${prefix}remaining`));
  const limit = Number(headerOf(res.headers, `${prefix}limit`));
  if (!Number.isFinite(remaining) || !Number.isFinite(limit) || limit <= 0) return undefined;
  let reset = Number(headerOf(res.headers, `${prefix}reset`));
  if (reset > 1e9) reset -= now / 1000; // an epoch time in seconds (GitHub's style)
  return Number.isFinite(reset)
    ? { limit, remaining, resetMs: Math.max(0, Math.ceil(reset) * 1000) }
    : { limit, remaining };
}

/** `GET /me` once, shared by the auth and rate-limit checks. */
function meProbe({ apiUrl, token, transport = httpGet }: DoctorInput) {
  let answer: Promise<HttpResponse | Error> | undefined;
  return (signal: AbortSignal) => {
    answer ??= transport(`${apiUrl}/me`, {
      headers: {
        accept: 'application/json',
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      signal,
    }).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
    return answer;
  };
}

function authCheck(input: DoctorInput, me: ReturnType<typeof meProbe>): HealthCheck {
  return {
    name: 'auth',
    async run(signal): Promise<HealthResult> {
      if (input.token === undefined) {
        return {
          status: input.production ? 'fail' : 'warn',
          output: 'COURSES_API_TOKEN is not set',
          suggestion: 'Create a token under Settings → API tokens and export COURSES_API_TOKEN.',
        };
      }
      const res = await me(signal);
      if (res instanceof Error)
        return { status: 'warn', output: 'not checked: the API could not be reached' };
      if (res.status === 200) {
        const user = JSON.parse(res.body) as { id: string; name: string };
        return { status: 'pass', output: `token accepted: signed in as ${user.name} (${user.id})` };
      }
      if (res.status === 401 || res.status === 403) {
        const expired = /expired/i.test(headerOf(res.headers, 'www-authenticate') ?? '');
        return {
          status: 'fail',
          output: `GET /me answered ${res.status}${detailOf(res)}`,
          suggestion: expired
            ? TOKEN_HELP
            : 'Check COURSES_API_TOKEN: copy the token again from Settings → API tokens.',
        };
      }
      return { status: 'warn', output: `not checked: GET /me answered ${res.status}${detailOf(res)}` };
    },
  };
}

function rateLimitCheck(me: ReturnType<typeof meProbe>): HealthCheck {
  return {
    name: 'rate-limit',
    critical: false,
    async run(signal): Promise<HealthResult> {
      const res = await me(signal);
      if (res instanceof Error)
        return { status: 'warn', output: 'not checked: the API could not be reached' };
      const quota = quotaOf(res, Date.now());
      if (quota === undefined && res.status >= 500) {
        return { status: 'warn', output: `not checked: GET /me answered ${res.status}` };
      }
      if (quota === undefined) return { status: 'pass', output: 'the API announces no rate limit' };
      const resets =
        quota.resetMs === undefined ? '' : `; the window resets in ${formatDuration(quota.resetMs)}`;
      const share = Math.floor((quota.remaining / quota.limit) * 100);
      const output = `${quota.remaining} of ${quota.limit} requests left (${share}%)${resets}`;
      if (quota.remaining > 0 && share >= 10) return { status: 'pass', output };
      return {
        status: 'warn',
        output,
        suggestion:
          'Little of the quota is left: find what else uses this token (a script, a CI job). Commands still work: the CLI slows down and waits for the reset.',
      };
    },
  };
}

/** Every entry file under `dir` (the file tier's `<aa>/<bb>/<hash>.json`): count and bytes. */
async function diskEntries(dir: string): Promise<{ count: number; bytes: number }> {
  const files = (await readdir(dir, { recursive: true })).filter((file) => file.endsWith('.json'));
  const sizes = await Promise.all(files.map(async (file) => (await stat(join(dir, file))).size));
  return { count: files.length, bytes: sizes.reduce((sum, size) => sum + size, 0) };
}

/** Bytes as people read them: `512 B`, `4.2 KiB`, `1.3 MiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Creates `dir` and writes and removes a probe file in it; resolves the error code on failure. */
async function writable(dir: string): Promise<string | undefined> {
  const probe = join(dir, `.doctor-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(probe, 'ok');
    await rm(probe, { force: true });
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'error';
  }
}

function cacheCheck({ config, production }: DoctorInput): HealthCheck {
  const dir = shownPath(config.cacheDir, config.home);
  const ttls = Object.entries(TTLS)
    .map(([type, ttl]) => `${type} ${ttl}`)
    .join(', ');
  return {
    name: 'cache',
    critical: production,
    async run(): Promise<HealthResult> {
      const failed = await writable(config.cacheDir);
      if (failed !== undefined) {
        return {
          status: production ? 'fail' : 'warn',
          output: `${dir} is not writable (${failed}): every command goes to the API`,
          suggestion: 'Point COURSES_CACHE_DIR at a writable directory.',
        };
      }
      const { count, bytes } = await diskEntries(config.cacheDir);
      return { status: 'pass', output: `${count} entries, ${formatBytes(bytes)} in ${dir} (${ttls})` };
    },
  };
}

function logsCheck({ config }: DoctorInput): HealthCheck {
  const file = shownPath(config.logFile, config.home);
  const rotation = `rotates at ${formatBytes(parseSize(LOG_ROTATION.size))}, keeps ${LOG_ROTATION.keep}`;
  return {
    name: 'logs',
    critical: false,
    async run(): Promise<HealthResult> {
      const failed = await writable(config.stateDir);
      if (failed !== undefined) {
        return {
          status: 'warn',
          output: `${file} cannot be written (${failed}): commands run without a log file`,
          suggestion: 'Set XDG_STATE_HOME to a writable directory.',
        };
      }
      const size = await stat(config.logFile).then(
        (stats) => formatBytes(stats.size),
        () => 'not written yet',
      );
      return { status: 'pass', output: `${file}, ${size} (${rotation})` };
    },
  };
}

/**
 * The doctor's checks, in the order they print: Node version, configuration, API
 * reachability (`GET /health`), auth validity and rate-limit headroom (one `GET /me`, its
 * status and its rate-limit headers), the disk cache, the log file and memory. The API
 * calls go straight to the transport, with no retry: the doctor reports what the API does
 * now. In production the token and cache become critical and the API must be https.
 */
export function createDoctor(input: DoctorInput): Health {
  const me = meProbe(input);
  return createHealth({
    service: { name: 'courses-cli', version: '1.0.0' },
    timeout: '3s',
    checks: [
      nodeCheck(),
      configCheck(input),
      reachabilityCheck(input),
      authCheck(input, me),
      rateLimitCheck(me),
      cacheCheck(input),
      logsCheck(input),
      memoryCheck({ name: 'memory', critical: false }),
    ],
  });
}
