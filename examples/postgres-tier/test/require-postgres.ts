import { randomBytes } from 'node:crypto';
import { recordSkip } from '@ballast/test-utils';
import pg from 'pg';

/** The PostgreSQL URL tests use: `DATABASE_URL`, or the local default. */
export function databaseUrl(): string {
  return process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

/** A table name unique to this test run, e.g. `ballast_test_3f9a1c2e`. */
export function uniqueTable(scope = 'cache'): string {
  return `ballast_test_${scope}_${randomBytes(4).toString('hex')}`;
}

/**
 * Checks that PostgreSQL answers at {@link databaseUrl}, as `requireRedis` in
 * `@ballast/test-utils` does for Redis. Resolves the URL when it does. When it does not:
 * under `REQUIRE_POSTGRES=1` (as CI runs) throws, failing the file; otherwise prints a
 * loud warning and resolves `undefined`, so the caller skips with `describe.skipIf(!url)`.
 */
export async function requirePostgres(): Promise<string | undefined> {
  const url = databaseUrl();
  let problem = await ping(url);
  if (problem?.code === '3D000') problem = await createDatabase(url);
  if (problem === undefined) return url;
  const message = `PostgreSQL is unreachable at ${url} (${problem.message}).`;
  if (process.env.REQUIRE_POSTGRES === '1') {
    throw new Error(
      `${message} REQUIRE_POSTGRES=1 is set, so PostgreSQL tests fail instead of skipping. Start PostgreSQL or set DATABASE_URL.`,
    );
  }
  recordSkip(
    'PostgreSQL tests',
    message,
    'Set DATABASE_URL, start PostgreSQL, or run with REQUIRE_POSTGRES=1 to fail.',
  );
  return undefined;
}

type Problem = { message: string; code?: string };

/** Connects and runs `SELECT 1`; resolves the problem, or `undefined` when it worked. */
async function ping(url: string): Promise<Problem | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return error as Problem;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The server answers but the database does not exist (a fresh CI machine): create it, then ping again. */
async function createDatabase(url: string): Promise<Problem | undefined> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
  } catch (error) {
    if ((error as Problem).code !== '42P04') return error as Problem; // 42P04: created meanwhile
  } finally {
    await client.end().catch(() => undefined);
  }
  return ping(url);
}
