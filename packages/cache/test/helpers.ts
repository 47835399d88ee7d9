import type { CacheEntry, CacheTier } from '../src/index.js';

/** An async in-test tier over a Map, standing in for a remote store; `down` makes it fail. */
export interface MapTier extends CacheTier {
  readonly map: Map<string, CacheEntry>;
  down: boolean;
  calls: number;
  /** Decides whether one write (`set` or `delete`) fails, when set. */
  failWrite: ((operation: 'set' | 'delete', key: string) => boolean) | undefined;
}

export function mapTier(name = 'remote'): MapTier {
  const map = new Map<string, CacheEntry>();
  const locks = new Set<string>();
  let token = 0;
  const tier: MapTier = {
    name,
    shared: true,
    map,
    down: false,
    calls: 0,
    failWrite: undefined,
    async get(key) {
      tier.calls++;
      if (tier.down) throw new Error(`${name} is down`);
      return map.get(key);
    },
    async set(key, entry) {
      tier.calls++;
      if (tier.down || tier.failWrite?.('set', key)) throw new Error(`${name} is down`);
      map.set(key, entry);
    },
    async delete(key) {
      tier.calls++;
      if (tier.down || tier.failWrite?.('delete', key)) throw new Error(`${name} is down`);
      map.delete(key);
    },
    async deleteByTag(tag) {
      if (tier.down) throw new Error(`${name} is down`);
      for (const [key, entry] of map) if (entry.tags.includes(tag)) map.delete(key);
    },
    async lock(key) {
      if (locks.has(key)) return undefined;
      locks.add(key);
      const fencingToken = ++token;
      return { fencingToken, release: async () => void locks.delete(key) };
    },
    async clear() {
      if (tier.down) throw new Error(`${name} is down`);
      map.clear();
    },
  };
  return tier;
}

/** A promise with its resolve and reject. */
export function deferred<T>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
