import type { Clock, TimerHandle } from '@ballast/core';
import type { ErrorReport, Severity } from '../../reporter-types.js';
import { telemetry } from '../../telemetry.js';
import type { SlidingLog } from '../sliding-log.js';
import type { ReporterCounters } from './counters.js';
import { RANK, unref } from './settings.js';
import type { SinkDelivery } from './sink-delivery.js';

interface Held {
  fingerprint: string;
  code: string;
  count: number;
}

/**
 * The rate limit on reports: at most `max` reach the sink per `per`; the rest are held,
 * counted by fingerprint, and sent as one `'suppressed'` report as soon as the limit
 * allows (a timer waits for room), or at once on flush.
 */
export class StormSuppression {
  readonly #held = new Map<string, Held>();
  #first = 0;
  #last = 0;
  #severity: Severity = 'info';
  #timer: TimerHandle | undefined = undefined;
  /** Set once the reporter has closed: no timer is started any more. */
  closed = false;

  constructor(
    readonly log: SlidingLog | undefined,
    /** The rate limit for people (`'30 per 1m'`). */
    readonly limitText: string,
    readonly clock: Clock,
    readonly delivery: SinkDelivery,
    readonly counters: ReporterCounters,
  ) {}

  /** Sends `report` when the rate limit allows, or holds it for the next suppressed report. */
  emit(report: ErrorReport): void {
    const log = this.log;
    if (log === undefined || log.tryTake(this.clock.now())) {
      this.delivery.deliver(report);
      return;
    }
    const fingerprint = report.fingerprint!;
    if (this.#held.size === 0) {
      this.#first = report.firstSeen;
      this.#last = report.lastSeen;
      this.#severity = report.severity;
    } else {
      this.#first = Math.min(this.#first, report.firstSeen);
      this.#last = Math.max(this.#last, report.lastSeen);
      if (RANK[report.severity] > RANK[this.#severity]) this.#severity = report.severity;
    }
    let entry = this.#held.get(fingerprint);
    if (entry === undefined) {
      entry = { fingerprint, code: report.code!, count: 0 };
      this.#held.set(fingerprint, entry);
    }
    entry.count += report.count;
    this.counters.suppressed += report.count;
    telemetry.instruments()?.suppressed.add(report.count, { 'error.type': entry.code });
    this.#schedule();
  }

  /** Sends what is held now, even past the rate limit (at most one report beyond it). */
  flush(): void {
    if (this.#timer !== undefined) this.clock.clearTimeout(this.#timer);
    this.#send(true);
  }

  #send(force: boolean): void {
    this.#timer = undefined;
    const log = this.log;
    if (this.#held.size === 0 || log === undefined) return;
    const total = [...this.#held.values()].reduce((sum, entry) => sum + entry.count, 0);
    const now = this.clock.now();
    if (!log.tryTake(now)) {
      if (!force) {
        this.#schedule();
        return;
      }
      log.force(now);
    }
    const suppressed = [...this.#held.values()].sort((a, b) => b.count - a.count);
    this.#held.clear();
    this.delivery.deliver({
      kind: 'suppressed',
      message: `${total} error report${total === 1 ? '' : 's'} suppressed by the rate limit (${this.limitText})`,
      severity: this.#severity,
      count: total,
      firstSeen: this.#first,
      lastSeen: this.#last,
      suppressed,
    });
  }

  #schedule(): void {
    const log = this.log;
    if (this.#timer !== undefined || log === undefined || this.closed) return;
    this.#timer = unref(
      this.clock.setTimeout(() => this.#send(false), Math.max(1, log.waitFrom(this.clock.now()))),
    );
  }
}
