import { randomBytes } from 'node:crypto';
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
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  let problem: string;
  try {
    await client.connect();
    await client.query('SELECT 1');
    return url;
  } catch (error) {
    problem = (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
  const message = `PostgreSQL is unreachable at ${url} (${problem}).`;
  if (process.env.REQUIRE_POSTGRES === '1') {
    throw new Error(
      `${message} REQUIRE_POSTGRES=1 is set, so PostgreSQL tests fail instead of skipping. Start PostgreSQL or set DATABASE_URL.`,
    );
  }
  console.warn(
    `\n${'!'.repeat(72)}\n!! SKIPPING PostgreSQL tests: ${message}\n!! Set DATABASE_URL, start PostgreSQL, or run with REQUIRE_POSTGRES=1 to fail.\n${'!'.repeat(72)}\n`,
  );
  return undefined;
}
