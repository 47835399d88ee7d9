import type { Factory } from '../factory.js';
import type { ResolvedPolicy } from '../policy.js';
import type { NamespaceCounters } from '../stats.js';

/**
 * One read through the cache, built by the view from a `getOrSet` call: the key with its
 * namespace prefix, and everything resolved. Every read step takes it as it is.
 */
export interface ReadCall<T> {
  readonly key: string;
  readonly factory: Factory<T>;
  readonly policy: ResolvedPolicy;
  readonly counters: NamespaceCounters;
  readonly tags: readonly string[];
  /** Cross-process lock TTL in ms, when asked for. */
  readonly lockTtl: number | undefined;
  readonly signal: AbortSignal | undefined;
}
