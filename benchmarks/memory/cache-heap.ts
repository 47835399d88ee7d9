// One cache library, alone in a fresh process (`node --expose-gc --import tsx`): the heap
// that 100,000 entries keep alive after a full GC, printed as JSON. Run by the `memory`
// suite for each library in turn, so no library's garbage or code counts for another.
//   node --expose-gc --import tsx benchmarks/memory/cache-heap.ts <ballast|lru-cache|bentocache|map>
import { createCache, memoryTier } from '@ballast/cache';
import { BentoCache, bentostore } from 'bentocache';
import { memoryDriver } from 'bentocache/drivers/memory';
import { LRUCache } from 'lru-cache';

export const ENTRIES = 100_000;
/** Room for every entry: nothing is evicted, so each library holds the same data. */
const CAPACITY = 2 * ENTRIES;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('Run with --expose-gc: the heap is measured after a full GC.');

/** A typical cached record: a small object of the kind an API read returns. */
const record = (i: number) => ({
  id: i,
  name: `user ${i}`,
  email: `user${i}@example.com`,
  active: i % 2 === 0,
});

async function fill(library: string): Promise<unknown> {
  switch (library) {
    case 'ballast': {
      const cache = createCache({ tiers: [memoryTier({ maxEntries: CAPACITY })], ttl: '1h' });
      for (let i = 0; i < ENTRIES; i++) await cache.set(`user:${i}`, record(i));
      if (cache.stats().l1?.entries !== ENTRIES) throw new Error('ballast evicted entries');
      return cache;
    }
    case 'lru-cache': {
      const cache = new LRUCache<string, object>({ max: CAPACITY, ttl: 3_600_000 });
      for (let i = 0; i < ENTRIES; i++) cache.set(`user:${i}`, record(i));
      if (cache.size !== ENTRIES) throw new Error('lru-cache evicted entries');
      return cache;
    }
    case 'bentocache': {
      const cache = new BentoCache({
        default: 'memory',
        stores: { memory: bentostore().useL1Layer(memoryDriver({ maxItems: CAPACITY, maxSize: 2 ** 31 })) },
      });
      for (let i = 0; i < ENTRIES; i++) await cache.set({ key: `user:${i}`, value: record(i), ttl: '1h' });
      if ((await cache.get({ key: 'user:0' })) === undefined) throw new Error('bentocache evicted entries');
      return cache;
    }
    case 'map': {
      const map = new Map<string, object>();
      for (let i = 0; i < ENTRIES; i++) map.set(`user:${i}`, record(i));
      return map;
    }
    default:
      throw new Error(`Unknown library "${library}": use ballast, lru-cache, bentocache or map.`);
  }
}

const library = process.argv[2] ?? '';
// Load the library's code and let start-up garbage go before the first reading.
await fill(library).then(() => undefined);
gc();
gc();
const before = process.memoryUsage().heapUsed;
const held = await fill(library);
gc();
gc();
const after = process.memoryUsage().heapUsed;
process.stdout.write(`${JSON.stringify({ library, bytes: after - before, kept: held !== undefined })}\n`);
process.exit(0);
