import { createCache, memoryTier, redisTier } from '@ballast/cache';
import { cacheTierContract } from '@ballast/cache/testing';
import { ManualClock } from '@ballast/core/testing';
import { isBallastError } from '@ballast/errors';
import { requireRedis, uniquePrefix } from '@ballast/test-utils';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type PostgresTier, postgresTier } from '../src/postgres-tier.js';
import { requirePostgres, uniqueTable } from './require-postgres.js';

const url = await requirePostgres();
const redisUrl = url === undefined ? undefined : await requireRedis();
const table = uniqueTable();

function entry(value: unknown, now: number, tags: string[] = []) {
  return { value, createdAt: now, freshUntil: now + 1_000, staleUntil: now + 2_000, ttl: 1_000, tags };
}

describe('postgresTier options', () => {
  const pool = { query: async () => ({ rows: [], rowCount: 0 }) };

  it('rejects a table name that is not a plain identifier', () => {
    expect(() => postgresTier({ pool, table: 'cache; DROP TABLE users' })).toThrow(/table/);
    try {
      postgresTier({ pool, table: 'Bad-Name' });
    } catch (error) {
      expect(isBallastError(error) && error.code).toBe('INVALID_CONFIGURATION');
    }
  });

  it('rejects a missing pool, an empty scope and a bad sweep interval', () => {
    expect(() => postgresTier({ pool: undefined as never })).toThrow(/pool/);
    expect(() => postgresTier({ pool, scope: '' })).toThrow(/scope/);
    expect(() => postgresTier({ pool, sweepInterval: 'soon' as never })).toThrow(/sweepInterval/);
  });
});

describe.skipIf(!url)('postgresTier on PostgreSQL', () => {
  let pool: pg.Pool;
  const tiers: PostgresTier[] = [];
  const make = (options: Partial<Parameters<typeof postgresTier>[0]> = {}): PostgresTier => {
    const tier = postgresTier({ pool, table, sweepInterval: 0, ...options });
    tiers.push(tier);
    return tier;
  };
  const rowCount = async (scope = 'default'): Promise<number> => {
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM ${table} WHERE scope = $1`, [scope]);
    return rows[0].n as number;
  };

  beforeAll(() => {
    pool = new pg.Pool({ connectionString: url, max: 4 });
  });

  afterAll(async () => {
    for (const tier of tiers) await tier.close?.();
    await pool.query(`DROP TABLE IF EXISTS ${table}`);
    await pool.end();
  });

  cacheTierContract(({ clock }) => make({ scope: 'contract', clock }), {
    name: 'postgres',
    createSibling: ({ clock }) => make({ scope: 'contract-sibling', clock }),
    runner: { describe, it },
  });

  it('creates its table on first use and drops it on request', async () => {
    const other = uniqueTable('drop');
    const tier = make({ table: other });
    await tier.set('k', entry('v', Date.now()));
    const exists = async () => (await pool.query('SELECT to_regclass($1) AS t', [other])).rows[0].t !== null;
    expect(await exists()).toBe(true);
    await tier.drop();
    expect(await exists()).toBe(false);
  });

  it('stops answering with an entry once its stale time has passed, and the sweep deletes the row', async () => {
    const clock = new ManualClock({ now: 1_000_000 });
    const tier = make({ clock, scope: 'expiry' });
    await tier.set('short', entry('gone soon', clock.now()));
    await tier.set('long', { ...entry('stays', clock.now()), staleUntil: clock.now() + 60_000 });
    expect((await tier.get('short'))?.value).toBe('gone soon');
    await clock.advance(2_000);
    expect(await tier.get('short')).toBeUndefined();
    expect(await rowCount('expiry')).toBe(2);
    expect(await tier.sweep()).toBe(1);
    expect(await rowCount('expiry')).toBe(1);
    expect((await tier.get('long'))?.value).toBe('stays');
    expect(tier.stats?.()).toEqual({ evictions: 1 });
  });

  it('sweeps expired rows on its own every sweepInterval, and stops when closed', async () => {
    const clock = new ManualClock({ now: 5_000_000 });
    const tier = make({ clock, scope: 'sweeper', sweepInterval: '30s' });
    await tier.set('a', entry(1, clock.now()));
    await tier.set('b', entry(2, clock.now()));
    await clock.advance(30_000);
    await vi.waitFor(async () => expect(await rowCount('sweeper')).toBe(0));
    await tier.close?.();
    await tier.set('c', entry(3, clock.now()));
    await clock.advance(60_000);
    expect(await rowCount('sweeper')).toBe(1);
    await tier.clear();
  });

  it('keeps scopes apart: clear() removes only its own scope', async () => {
    const a = make({ scope: 'scope_a' });
    const b = make({ scope: 'scope_b' });
    await a.set('same-key', entry('a', Date.now()));
    await b.set('same-key', entry('b', Date.now()));
    expect((await a.get('same-key'))?.value).toBe('a');
    await a.clear();
    expect(await a.get('same-key')).toBeUndefined();
    expect((await b.get('same-key'))?.value).toBe('b');
    await b.clear();
  });

  it('honours an aborted signal before touching the database', async () => {
    const tier = make({ scope: 'abort' });
    const controller = new AbortController();
    controller.abort(new Error('caller gave up'));
    await expect(tier.get('k', controller.signal)).rejects.toThrow('caller gave up');
  });

  it('serves as L3: a value written through the cache is found by a process with a cold memory tier', async () => {
    const writer = createCache({ name: 'courses', tiers: [memoryTier(), make({ scope: 'l3' })], ttl: '1h' });
    await writer.set('course:1', { title: 'Algebra' }, { tags: ['course'] });
    const reader = createCache({ name: 'courses', tiers: [memoryTier(), make({ scope: 'l3' })], ttl: '1h' });
    const factory = vi.fn(async () => ({ title: 'from the API' }));
    expect(await reader.getOrSet('course:1', factory)).toEqual({ title: 'Algebra' });
    expect(factory).not.toHaveBeenCalled();
    const l3 = reader.stats().tiers.find((tier) => tier.name === 'postgres');
    expect(l3?.hits).toBe(1);
    // deleteByTag reaches every tier that keeps tags, so the row is gone for every process.
    await reader.deleteByTag('course');
    expect(await rowCount('l3')).toBe(0);
    await writer.close();
    await reader.close();
  });

  it.skipIf(!redisUrl)(
    'sits as L3 behind memory and Redis: a miss in both is answered by PostgreSQL and backfills them',
    async () => {
      const client = new Redis(redisUrl as string, { lazyConnect: true, maxRetriesPerRequest: 1 });
      const prefix = uniquePrefix('postgres-tier');
      const open = () =>
        createCache({
          name: 'courses',
          tiers: [memoryTier(), redisTier({ client, prefix }), make({ scope: 'three' })],
          ttl: '1h',
        });
      try {
        const writer = open();
        await writer.set('course:7', { title: 'Topology' });
        // Drop it from Redis only: the next cold process must find it in PostgreSQL.
        const keys = await client.keys(`${prefix}*`);
        expect(keys.length).toBeGreaterThan(0);
        await client.del(...keys);
        const reader = open();
        expect(await reader.get('course:7')).toEqual({ title: 'Topology' });
        const hits = Object.fromEntries(reader.stats().tiers.map((tier) => [tier.name, tier.hits]));
        expect(hits).toEqual({ memory: 0, redis: 0, postgres: 1 });
        expect((await client.keys(`${prefix}*`)).length).toBeGreaterThan(0);
        await reader.clear();
        await writer.close();
        await reader.close();
      } finally {
        const left = await client.keys(`${prefix}*`);
        if (left.length > 0) await client.del(...left);
        client.disconnect();
      }
    },
  );

  it('never fails a read when PostgreSQL is down: the factory answers and the error is counted', async () => {
    const down = new pg.Pool({
      connectionString: 'postgres://postgres@127.0.0.1:1/none',
      connectionTimeoutMillis: 500,
    });
    const cache = createCache({
      tiers: [memoryTier(), postgresTier({ pool: down, table, sweepInterval: 0 })],
      ttl: '1m',
    });
    expect(await cache.getOrSet('k', async () => 'fresh')).toBe('fresh');
    const l3 = cache.stats().tiers.find((tier) => tier.name === 'postgres');
    expect(l3?.errors).toBeGreaterThan(0);
    await cache.close();
    await down.end();
  });
});
