import type { MaybePromise } from '../tier.js';

/** An invalidation one cache process sends to the others. */
export type BusMessage =
  | {
      readonly from: string;
      readonly cache: string;
      readonly type: 'delete';
      readonly keys: readonly string[];
    }
  | { readonly from: string; readonly cache: string; readonly type: 'tag'; readonly tags: readonly string[] }
  | { readonly from: string; readonly cache: string; readonly type: 'clear' };

/** What a bus calls back into its cache. */
export interface BusHandlers {
  /** A message arrived (including this process's own, which the cache ignores). */
  message(message: BusMessage): void;
  /** The connection came back after a drop; messages may have been missed. */
  reconnect(): void;
  /** The bus failed; the cache reports it as an `error` event. */
  error(error: unknown): void;
}

/** A bus's own view of its health, merged into the cache's health check. */
export interface BusHealth {
  /** `warn` while messages may be missed or are waiting to be sent. */
  readonly status: 'pass' | 'warn';
  /** What is wrong (or `subscribed to … pub/sub`), shown in the health report. */
  readonly output: string;
}

/**
 * Carries invalidations between processes that share a cache, so that each process's
 * in-process tiers drop keys another process changed. `redisBus()` is the built-in one.
 */
export interface CacheBus {
  /** Sends a message to every subscribed process. */
  publish(message: BusMessage): Promise<void>;
  /** Starts delivering messages; called once by `createCache`. */
  subscribe(handlers: BusHandlers): MaybePromise<void>;
  /** Whether the bus delivers now; optional for custom buses. */
  health?(): BusHealth;
  /** Stops delivering and releases the connections the bus opened. */
  close(): MaybePromise<void>;
}
