import type { CacheEntry, CacheTier, TierStats } from '@ballast/cache';
import { abortReason, type Clock, type Duration, systemClock, type TimerHandle } from '@ballast/core';
import { durationOption, invalidOption } from '@ballast/errors';

/** The part of a `pg.Pool` (or `pg.Client`) the tier uses: one parameterised query. */
export interface Queryable {
  query<R extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    values?: unknown[],
  ): Promise<{ rows: R[]; rowCount: number | null }>;
}

/** Options for {@link postgresTier}. */
export interface PostgresTierOptions {
  /** A `pg.Pool`. The host owns it: `close()` stops the sweeper but never ends the pool. */
  pool: Queryable;
  /**
   * The table entries live in; created (with its indexes) on first use.
   * @defaultValue `'ballast_cache'`
   */
  table?: string;
  /**
   * Separates the entries of several caches sharing one table: `clear()` removes only this scope.
   * @defaultValue `'default'`
   */
  scope?: string;
  /**
   * How often rows whose `stale_until` has passed are deleted; `0` turns the sweeper off
   * (call `sweep()` yourself, e.g. from a cron job).
   * @defaultValue `'1m'`
   */
  sweepInterval?: Duration;
  /** @defaultValue `systemClock` */
  clock?: Clock;
}

/** A {@link CacheTier} on PostgreSQL, plus the sweeper that deletes expired rows. */
export interface PostgresTier extends CacheTier {
  /** Deletes the rows of this scope whose stale time has passed; resolves how many went. */
  sweep(signal?: AbortSignal): Promise<number>;
  /** Drops the table (tests and teardown only). */
  drop(): Promise<void>;
}

interface Row extends Record<string, unknown> {
  value: string;
  created_at: number;
  fresh_until: number;
  stale_until: number;
  ttl: number;
  tags: string[];
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,47}$/;

function checkSignal(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortReason(signal);
}

/**
 * A cache tier that stores entries in a PostgreSQL table: the value as JSON text, the
 * fresh and stale expiry times, the TTL and the tags (a `text[]` with a GIN index, so
 * `deleteByTag` is one indexed `DELETE`). Reads ignore rows past their stale time, and a
 * sweeper deletes them every `sweepInterval`. It is `shared`: many processes read and
 * write the same rows, so the bus never drops keys from it.
 *
 * @example
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const cache = createCache({ tiers: [memoryTier(), redisTier({ client }), postgresTier({ pool })] });
 *
 * @throws ConfigurationError for a table or scope that is not a plain identifier, or a bad sweepInterval.
 */
export function postgresTier(options: PostgresTierOptions): PostgresTier {
  const { pool, table = 'ballast_cache', scope = 'default', clock = systemClock } = options;
  if (typeof pool?.query !== 'function')
    throw invalidOption('pool', pool, 'a pg.Pool (anything with query())');
  if (!IDENTIFIER.test(table))
    throw invalidOption('table', table, 'a lower-case SQL identifier of ≤ 48 characters');
  if (typeof scope !== 'string' || scope === '') throw invalidOption('scope', scope, 'a non-empty string');
  const sweepEvery = durationOption('sweepInterval', options.sweepInterval ?? '1m');

  let ready: Promise<unknown> | undefined;
  const ensureTable = (): Promise<unknown> => {
    ready ??= pool
      .query(
        `CREATE TABLE IF NOT EXISTS ${table} (
          scope text NOT NULL,
          key text NOT NULL,
          value text NOT NULL,
          created_at double precision NOT NULL,
          fresh_until double precision NOT NULL,
          stale_until double precision NOT NULL,
          ttl double precision NOT NULL,
          tags text[] NOT NULL DEFAULT '{}',
          PRIMARY KEY (scope, key)
        );
        CREATE INDEX IF NOT EXISTS ${table}_tags ON ${table} USING gin (tags);
        CREATE INDEX IF NOT EXISTS ${table}_stale ON ${table} (stale_until);`,
      )
      .catch((error: unknown) => {
        ready = undefined; // try again on the next call once the database is back
        throw error;
      });
    return ready;
  };
  const run = async <R extends Record<string, unknown>>(
    sql: string,
    values: unknown[],
    signal?: AbortSignal,
  ) => {
    checkSignal(signal);
    await ensureTable();
    checkSignal(signal);
    return pool.query<R>(sql, values);
  };

  let timer: TimerHandle | undefined;
  let sweeping = false;
  let swept = 0;
  const sweep = async (signal?: AbortSignal): Promise<number> => {
    const result = await run(
      `DELETE FROM ${table} WHERE scope = $1 AND stale_until <= $2`,
      [scope, clock.now()],
      signal,
    );
    const count = result.rowCount ?? 0;
    swept += count;
    return count;
  };
  if (sweepEvery > 0) {
    timer = clock.setInterval(() => {
      if (sweeping) return;
      sweeping = true;
      // A failed sweep is retried on the next tick; reads ignore expired rows meanwhile.
      sweep()
        .catch(() => undefined)
        .finally(() => {
          sweeping = false;
        });
    }, sweepEvery);
    timer.unref();
  }

  // The cache may write a key again before the first write is done, and a pool runs queries
  // on several connections in any order. So writes and deletes of one key run in call order
  // (the last call wins), and clear/deleteByTag run after the writes called before them and
  // before those called after.
  const last = new Map<string, Promise<unknown>>();
  let barrier: Promise<unknown> = Promise.resolve();
  const settled = (work: Promise<unknown>): Promise<unknown> => work.catch(() => undefined);
  const inOrder = <T>(key: string, write: () => Promise<T>): Promise<T> => {
    const before = last.get(key);
    const run = Promise.all([settled(barrier), before === undefined ? undefined : settled(before)]).then(
      write,
    );
    last.set(key, run);
    void settled(run).then(() => {
      if (last.get(key) === run) last.delete(key);
    });
    return run;
  };
  const afterAll = <T>(write: () => Promise<T>): Promise<T> => {
    const run = Promise.all([settled(barrier), ...[...last.values()].map(settled)]).then(write);
    barrier = run;
    return run;
  };

  return {
    name: 'postgres',
    shared: true,
    async get(key, signal) {
      const { rows } = await run<Row>(
        `SELECT value, created_at, fresh_until, stale_until, ttl, tags FROM ${table}
         WHERE scope = $1 AND key = $2 AND stale_until > $3`,
        [scope, key, clock.now()],
        signal,
      );
      const row = rows[0];
      if (row === undefined) return undefined;
      return {
        value: JSON.parse(row.value) as unknown,
        createdAt: row.created_at,
        freshUntil: row.fresh_until,
        staleUntil: row.stale_until,
        ttl: row.ttl,
        tags: row.tags,
      } satisfies CacheEntry;
    },
    async set(key, entry, signal) {
      await inOrder(key, () =>
        run(
          `INSERT INTO ${table} (scope, key, value, created_at, fresh_until, stale_until, ttl, tags)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (scope, key) DO UPDATE SET value = EXCLUDED.value, created_at = EXCLUDED.created_at,
           fresh_until = EXCLUDED.fresh_until, stale_until = EXCLUDED.stale_until, ttl = EXCLUDED.ttl,
           tags = EXCLUDED.tags`,
          [
            scope,
            key,
            JSON.stringify(entry.value),
            entry.createdAt,
            entry.freshUntil,
            entry.staleUntil,
            entry.ttl,
            [...entry.tags],
          ],
          signal,
        ),
      );
    },
    async delete(key, signal) {
      await inOrder(key, () =>
        run(`DELETE FROM ${table} WHERE scope = $1 AND key = $2`, [scope, key], signal),
      );
    },
    async deleteByTag(tag, signal) {
      await afterAll(() =>
        run(`DELETE FROM ${table} WHERE scope = $1 AND tags @> ARRAY[$2::text]`, [scope, tag], signal),
      );
    },
    async clear(signal) {
      await afterAll(() => run(`DELETE FROM ${table} WHERE scope = $1`, [scope], signal));
    },
    sweep,
    async drop() {
      ready = undefined;
      await pool.query(`DROP TABLE IF EXISTS ${table}`);
    },
    stats(): TierStats {
      return { evictions: swept };
    },
    close() {
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
    },
  };
}
