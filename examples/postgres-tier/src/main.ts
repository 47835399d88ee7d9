// Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/test [REDIS_URL=redis://127.0.0.1:6379] pnpm --filter postgres-tier start
import { type CacheTier, createCache, memoryTier, redisTier } from '@ballast/cache';
import pg from 'pg';
import { postgresTier } from './postgres-tier.js';

const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
});
// An idle client that loses its connection emits `error` on the pool: unhandled, it would
// crash the process. The cache already counts the failed queries; here the error is reported.
pool.on('error', (error) => console.error(`postgres pool: ${error.message}`));
const l3 = postgresTier({ pool, table: 'ballast_cache_example', sweepInterval: '1m' });
// memory (L1) → Redis (L2, only when REDIS_URL is set) → PostgreSQL (L3)
const tiers: CacheTier[] = [memoryTier({ maxEntries: 1_000 })];
if (process.env.REDIS_URL)
  tiers.push(redisTier({ url: process.env.REDIS_URL, prefix: 'postgres-tier-example:' }));
tiers.push(l3);
const cache = createCache({ name: 'courses', tiers, ttl: '1h', grace: '1d' });

let calls = 0;
const loadCourse = async (id: string) => {
  calls += 1;
  return { id, title: `Course ${id}`, loadedAt: new Date().toISOString() };
};

const first = await cache.getOrSet('course:42', () => loadCourse('42'), { tags: ['courses'] });
const second = await cache.getOrSet('course:42', () => loadCourse('42'));
console.log({ first, second, factoryCalls: calls });
console.log(
  cache.stats().tiers.map(({ name, hits, misses, sets, errors }) => ({ name, hits, misses, sets, errors })),
);

await cache.deleteByTag('courses');
await cache.clear(); // an example leaves nothing behind in Redis or PostgreSQL
await cache.close();
await l3.drop();
await pool.end();
