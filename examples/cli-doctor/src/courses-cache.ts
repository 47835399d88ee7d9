import { type Cache, createCache, fileTier, memoryTier } from '@ballast/cache';
import type { Clock } from '@ballast/core';

/**
 * How long each kind of data stays fresh. Grades change most often, user profiles least;
 * an expired value is still served for a day (`grace`) when the API is unreachable.
 */
export const TTLS = { courses: '1h', assignments: '30m', users: '2h', grades: '15m' } as const;

/** A kind of data the CLI caches. */
export type DataType = keyof typeof TTLS;

/**
 * The CLI's cache: memory (this process) in front of the disk (`dir`, shared by every
 * run of the CLI), one namespace per data type with its own TTL.
 */
export function createCoursesCache(options: { dir: string; clock?: Clock }): Cache {
  const clock = options.clock === undefined ? {} : { clock: options.clock };
  return createCache({
    name: 'courses-cli',
    tiers: [memoryTier({ maxEntries: 1_000 }), fileTier({ dir: options.dir, maxBytes: '50MB', ...clock })],
    policies: TTLS,
    grace: '1d',
    ...clock,
  });
}
