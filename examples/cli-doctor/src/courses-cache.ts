import { type Cache, createCache, fileTier, memoryTier } from '@ballast/cache';
import type { Clock } from '@ballast/core';
import { APP, TTLS } from './config.js';

export { TTLS };

/** A kind of data the CLI caches. */
export type DataType = keyof typeof TTLS;

/**
 * The CLI's cache: memory (this process) in front of the disk (`dir`, shared by every
 * run of the CLI), one namespace per data type with its own TTL ({@link TTLS}); an
 * expired value is still served for a day (`grace`) when the API cannot answer.
 */
export function createCoursesCache(options: { dir: string; clock?: Clock }): Cache {
  const clock = options.clock === undefined ? {} : { clock: options.clock };
  return createCache({
    name: APP,
    tiers: [memoryTier({ maxEntries: 1_000 }), fileTier({ dir: options.dir, maxBytes: '50MB', ...clock })],
    policies: TTLS,
    grace: '1d',
    ...clock,
  });
}
