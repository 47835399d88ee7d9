import {
  abortReason,
  type Clock,
  createEmitter,
  type Duration,
  type EventSource,
  systemClock,
} from '@ballast/core';
import { CancelledError, durationOption, integerOption } from '@ballast/errors';
import { type Call, policyOf, Scope, type Step, signalOf } from './internal/call.js';
import { type Instruments, instruments } from './internal/metrics.js';
import { checkOptions } from './internal/options.js';
import type { Policy } from './policy.js';

/** Events of a {@link HedgePolicy}. */
export interface HedgeEvents {
  /** A hedged attempt started (`attempt` ≥ 2), after the delay or a failure. */
  hedge: { attempt: number; reason: 'delay' | 'failure' };
  /**
   * A call that started hedged attempts succeeded: attempt `attempt` (numbered as
   * in `ctx.attempt`) won, the `first` one or a `hedge`, out of `attempts` started.
   * Calls that never hedged emit nothing.
   */
  won: { attempt: number; winner: 'first' | 'hedge'; attempts: number };
}

/** Options for {@link hedge}. */
export interface HedgeOptions {
  /** How long to wait for an attempt before starting another one. */
  delay: Duration;
  /** Extra attempts allowed on top of the first. @defaultValue `1` */
  maxHedged?: number;
  /** The source of time. @defaultValue `systemClock` */
  clock?: Clock;
}

/** A {@link hedge} policy. */
export interface HedgePolicy extends Policy, EventSource<HedgeEvents> {}

const HEDGED = {
  delay: Object.freeze({ 'ballast.resilience.policy': 'hedge', 'ballast.resilience.reason': 'delay' }),
  failure: Object.freeze({ 'ballast.resilience.policy': 'hedge', 'ballast.resilience.reason': 'failure' }),
} as const;
const WON_BY_FIRST = Object.freeze({
  'ballast.resilience.policy': 'hedge',
  'ballast.resilience.winner': 'first',
});
const WON_BY_HEDGE = Object.freeze({
  'ballast.resilience.policy': 'hedge',
  'ballast.resilience.winner': 'hedge',
});

class HedgeStep implements Step {
  readonly kind = 'hedge';
  /** Resolved per use, so a policy built before the SDK starts records once it is registered. */
  get metrics(): Instruments | undefined {
    return instruments();
  }

  constructor(
    readonly delay: number,
    readonly maxHedged: number,
    readonly clock: Clock,
    readonly events: ReturnType<typeof createEmitter<HedgeEvents>>,
  ) {}

  run(call: Call, index: number, scope: Scope | undefined, attempt: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const scopes: Scope[] = [];
      let pending = 0;
      let done = false;
      let timer: ReturnType<Clock['setTimeout']> | undefined;
      // The caller's signal: once it aborts, no attempt starts any more (work that ignores
      // its signal would otherwise keep failing into new attempts) and the call rejects.
      const caller =
        scope === undefined && call.outer === undefined ? undefined : signalOf(scope, call.outer);
      if (caller?.aborted) {
        reject(abortReason(caller));
        return;
      }
      const onAbort = (): void => {
        if (done) return;
        done = true;
        if (timer !== undefined) this.clock.clearTimeout(timer);
        reject(abortReason(caller as AbortSignal));
      };
      caller?.addEventListener('abort', onAbort, { once: true });
      const settle = (): void => {
        done = true;
        caller?.removeEventListener('abort', onAbort);
      };
      const launch = (reason: 'delay' | 'failure'): void => {
        if (timer !== undefined) this.clock.clearTimeout(timer);
        timer = undefined;
        const own = new Scope(scope, call.outer);
        scopes.push(own);
        pending++;
        const number = attempt + scopes.length - 1;
        if (scopes.length > 1) {
          this.metrics?.hedges.add(1, HEDGED[reason]);
          if (this.events.has('hedge')) this.events.emit('hedge', { attempt: number, reason });
        }
        const more = scopes.length <= this.maxHedged;
        if (more) timer = this.clock.setTimeout(() => launch('delay'), this.delay);
        call.next(index, own, number).then(
          (value) => {
            own.release();
            if (done) return;
            settle();
            if (timer !== undefined) this.clock.clearTimeout(timer);
            const lost = new CancelledError('Another hedged attempt won');
            for (const other of scopes) if (other !== own) other.abort(lost);
            if (scopes.length > 1) this.won(number, number === attempt, scopes.length);
            resolve(value);
          },
          (error: unknown) => {
            own.release();
            pending--;
            if (done) return;
            if (scopes.length <= this.maxHedged) launch('failure');
            else if (pending === 0) {
              settle();
              reject(error);
            }
          },
        );
      };
      launch('delay');
    });
  }

  won(attempt: number, first: boolean, attempts: number): void {
    this.metrics?.hedgeWins.add(1, first ? WON_BY_FIRST : WON_BY_HEDGE);
    if (this.events.has('won')) {
      this.events.emit('won', { attempt, winner: first ? 'first' : 'hedge', attempts });
    }
  }
}

const HEDGE_KEYS = ['delay', 'maxHedged', 'clock'] as const satisfies ReadonlyArray<keyof HedgeOptions>;

/**
 * Hedges slow calls: if an attempt has not answered after `delay`, starts another
 * (up to `maxHedged` extra), and a failed attempt starts the next one at once.
 * The first success wins and the other attempts are aborted through their
 * signals; if every attempt fails, the last error is thrown. Use it only for
 * idempotent reads. Hedged attempts emit `hedge` and count in
 * `ballast.resilience.hedges`; which attempt won emits `won` and counts in
 * `ballast.resilience.hedge.wins`.
 *
 * @throws ConfigurationError for a bad `delay` or `maxHedged` < 1.
 *
 * @example
 * const fast = hedge({ delay: '50ms', maxHedged: 2 });
 * const row = await fast.execute(({ signal }) => replica.query(sql, { signal }));
 */
export function hedge(options: HedgeOptions): HedgePolicy {
  checkOptions('hedge', options, HEDGE_KEYS, true);
  const delay = durationOption('hedge.delay', options?.delay);
  const maxHedged = integerOption('hedge.maxHedged', options.maxHedged ?? 1, 1);
  const events = createEmitter<HedgeEvents>();
  return policyOf<HedgePolicy>([new HedgeStep(delay, maxHedged, options.clock ?? systemClock, events)], {
    on: events.on,
  });
}
