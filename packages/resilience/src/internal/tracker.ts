import type { BreakerStrategy, SlowCallConfig } from '../breaker-strategy.js';

/** The statistics a closed breaker keeps; `record` says whether to open. */
export interface Tracker {
  record(failed: boolean, slow: boolean, now: number): boolean;
  reset(now: number): void;
}

class ConsecutiveTracker implements Tracker {
  count = 0;
  constructor(readonly limit: number) {}
  record(failed: boolean, slow: boolean): boolean {
    if (failed || slow) return ++this.count >= this.limit;
    this.count = 0;
    return false;
  }
  reset(): void {
    this.count = 0;
  }
}

abstract class RateTracker implements Tracker {
  total = 0;
  failures = 0;
  slow = 0;
  constructor(
    readonly threshold: number,
    readonly slowThreshold: number,
    readonly minThroughput: number,
  ) {}
  abstract record(failed: boolean, slow: boolean, now: number): boolean;
  abstract reset(now: number): void;
  judge(): boolean {
    if (this.total < this.minThroughput) return false;
    return this.failures >= this.threshold * this.total || this.slow >= this.slowThreshold * this.total;
  }
}

/** The last `size` calls, as a ring of outcome bits (1 failure, 2 slow). */
class CountTracker extends RateTracker {
  readonly ring: Uint8Array;
  index = 0;
  constructor(size: number, threshold: number, slowThreshold: number, minThroughput: number) {
    super(threshold, slowThreshold, minThroughput);
    this.ring = new Uint8Array(size);
  }
  record(failed: boolean, slow: boolean): boolean {
    const { ring } = this;
    if (this.total === ring.length) {
      const old = ring[this.index]!;
      this.total--;
      if (old & 1) this.failures--;
      if (old & 2) this.slow--;
    }
    ring[this.index] = (failed ? 1 : 0) | (slow ? 2 : 0);
    this.index = (this.index + 1) % ring.length;
    this.total++;
    if (failed) this.failures++;
    if (slow) this.slow++;
    return this.judge();
  }
  reset(): void {
    this.ring.fill(0);
    this.index = 0;
    this.total = 0;
    this.failures = 0;
    this.slow = 0;
  }
}

/** A time window of `buckets` equal slices; old slices drop out as time passes. */
class TimeTracker extends RateTracker {
  readonly totals: Float64Array;
  readonly fails: Float64Array;
  readonly slows: Float64Array;
  readonly width: number;
  current = 0;
  constructor(
    readonly ms: number,
    buckets: number,
    threshold: number,
    slowThreshold: number,
    minThroughput: number,
    now: number,
  ) {
    super(threshold, slowThreshold, minThroughput);
    this.width = ms / buckets;
    this.totals = new Float64Array(buckets);
    this.fails = new Float64Array(buckets);
    this.slows = new Float64Array(buckets);
    this.current = Math.floor(now / this.width);
  }
  #advance(now: number): number {
    const slot = Math.floor(now / this.width);
    const n = this.totals.length;
    if (slot > this.current) {
      const steps = Math.min(slot - this.current, n);
      for (let i = 1; i <= steps; i++) {
        const b = (this.current + i) % n;
        this.total -= this.totals[b]!;
        this.failures -= this.fails[b]!;
        this.slow -= this.slows[b]!;
        this.totals[b] = 0;
        this.fails[b] = 0;
        this.slows[b] = 0;
      }
      this.current = slot;
    }
    return this.current % n;
  }
  record(failed: boolean, slow: boolean, now: number): boolean {
    const b = this.#advance(now);
    this.totals[b]!++;
    this.total++;
    if (failed) {
      this.fails[b]!++;
      this.failures++;
    }
    if (slow) {
      this.slows[b]!++;
      this.slow++;
    }
    return this.judge();
  }
  reset(now: number): void {
    this.totals.fill(0);
    this.fails.fill(0);
    this.slows.fill(0);
    this.total = 0;
    this.failures = 0;
    this.slow = 0;
    this.current = Math.floor(now / this.width);
  }
}

/** Builds the statistics for `strategy` (with `slowCall`, when set). */
export function createTracker(
  strategy: BreakerStrategy,
  slow: SlowCallConfig | undefined,
  now: number,
): Tracker {
  if (strategy.kind === 'consecutive') return new ConsecutiveTracker(strategy.failures);
  const slowThreshold = slow?.rateThreshold ?? Number.POSITIVE_INFINITY;
  const { window } = strategy;
  return window.kind === 'count'
    ? new CountTracker(window.calls, strategy.threshold, slowThreshold, strategy.minThroughput)
    : new TimeTracker(
        window.ms,
        window.buckets,
        strategy.threshold,
        slowThreshold,
        strategy.minThroughput,
        now,
      );
}
