import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { recordSkip } from './skips.js';

/** The Redis URL tests use: `REDIS_URL`, or the local default. */
export function redisUrl(): string {
  return process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/** A key prefix unique to this call, e.g. `ballast-test:cache:3f9a1c2e:`; use one per test file. */
export function uniquePrefix(scope = 'test'): string {
  return `ballast-test:${scope}:${randomBytes(4).toString('hex')}:`;
}

/** Sends `PING` over a raw socket and resolves whether `+PONG` came back within `timeoutMs`. */
export function pingRedis(url: string, timeoutMs = 1_000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port || 6379) });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/**
 * Checks that Redis answers at {@link redisUrl}. Resolves the URL when it does.
 * When it does not: under `REQUIRE_REDIS=1` (as CI runs) throws, failing the file;
 * otherwise prints a loud warning and resolves `undefined`, so the caller skips with
 * `describe.skipIf(!url)`.
 */
export async function requireRedis(): Promise<string | undefined> {
  const url = redisUrl();
  if (await pingRedis(url)) return url;
  const message = `Redis is unreachable at ${url}.`;
  if (process.env.REQUIRE_REDIS === '1') {
    throw new Error(
      `${message} REQUIRE_REDIS=1 is set, so Redis tests fail instead of skipping. Start Redis or set REDIS_URL.`,
    );
  }
  recordSkip(
    'Redis tests',
    message,
    'Set REDIS_URL, start redis-server, or run with REQUIRE_REDIS=1 to fail.',
  );
  return undefined;
}
