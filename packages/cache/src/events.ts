/** Events a cache emits; subscribe with `cache.on(event, listener)`. */
export interface CacheEvents {
  /** No tier held a fresh value; the factory (if any) runs. */
  miss: { key: string };
  /** A stale value was served because the factory failed or was slow. */
  stale: { key: string; reason: 'error' | 'soft-timeout'; error?: unknown };
  /** A background refresh started (refresh-ahead or after a soft timeout). */
  refresh: { key: string; reason: 'early' };
  /**
   * A tier, the bus or a background factory failed; callers were not affected. While a
   * tier's breaker is open, the first call it refuses emits one event (a `BrokenCircuitError`,
   * code `CIRCUIT_OPEN`) and later refusals are only counted in `stats().tiers[i].errors`,
   * until another failure (a failed probe) or the breaker closing.
   */
  error: { operation: string; tier?: string; key?: string; error: unknown };
  /** Another process invalidated keys; this process dropped them from its local tiers. */
  invalidate: { type: 'delete' | 'tag' | 'clear'; keys?: readonly string[]; tags?: readonly string[] };
  /** The bus reconnected; local tiers were cleared since messages may have been missed. */
  'bus:reconnect': Record<string, never>;
  /** A tier's circuit breaker changed state. */
  breaker: { tier: string; state: 'closed' | 'open' | 'half-open' | 'isolated' };
  /**
   * Write-behind gave up on a write after `maxAttempts` failed attempts: the slower tiers
   * (Redis) miss it until the key is written again. Counted in `stats().writeBehind.dropped`.
   */
  'write-behind:drop': { key: string; operation: 'set' | 'delete'; attempts: number };
  /** Progress of `warm()`. */
  'warm:progress': { loaded: number; failed: number };
}
