import type { Clock, Emitter } from '@ballast/core';
import type { Attributes, ObservableResult } from '@opentelemetry/api';
import type { Backoff } from '../backoff.js';
import type { BreakerStrategy, SlowCallConfig } from '../breaker-strategy.js';
import type { CircuitBreakerEvents, CircuitState } from '../circuit-state.js';
import { BrokenCircuitError } from '../errors.js';
import { telemetry } from '../telemetry.js';
import type { Call, Scope, Step } from './call.js';
import { activeSpanEvent, rejected, rejection } from './metrics.js';
import { createTracker, type Tracker } from './tracker.js';

/** How a call admitted by the breaker ended. */
type Outcome = 0 | 1 | 2;
const SUCCEEDED: Outcome = 0;
/** An error `isFailure` counts. */
const FAILED: Outcome = 1;
/** An error `isFailure` does not count (cancellations, client errors by default). */
const IGNORED: Outcome = 2;

const CLOSED = 0;
const OPEN = 1;
const HALF_OPEN = 2;
const ISOLATED = 3;
const NAMES: readonly CircuitState[] = ['closed', 'open', 'half-open', 'isolated'];

/** Reports 1 for the breaker's current state and 0 for the others (one series per state). */
function reportState(step: BreakerStep, result: ObservableResult): void {
  for (let state = CLOSED; state <= ISOLATED; state++) {
    result.observe(state === step.state ? 1 : 0, step.stateAttributes[state]);
  }
}

/** The breaker's state machine and its step in a policy chain. */
export class BreakerStep implements Step {
  readonly kind = 'circuit_breaker';
  state = CLOSED;
  /** Bumped on every transition; results of calls admitted in an older generation are ignored. */
  generation = 0;
  openUntil = 0;
  opens = 0;
  lastDelay = 0;
  probesStarted = 0;
  probesPassed = 0;
  isolations = 0;
  readonly tracker: Tracker;
  readonly clockedTracker: boolean;
  /** Whether calls need a stopwatch: slow-call detection or success/failure listeners. */
  timed: boolean;
  readonly rejectedAttributes: readonly Attributes[];
  /** The gauge attributes of each state, by state number. */
  readonly stateAttributes: readonly Attributes[];

  constructor(
    readonly name: string,
    strategy: BreakerStrategy,
    readonly slow: SlowCallConfig | undefined,
    readonly halfOpenAfter: Backoff,
    readonly probes: number,
    readonly isFailure: (error: unknown) => boolean,
    readonly clock: Clock,
    readonly events: Emitter<CircuitBreakerEvents>,
  ) {
    this.tracker = createTracker(strategy, slow, clock.now());
    this.clockedTracker = strategy.kind === 'rate' && strategy.window.kind === 'time';
    this.timed = slow !== undefined;
    const breaker = { 'ballast.resilience.breaker': name };
    this.rejectedAttributes = NAMES.map((state) => rejection('circuit_breaker', state, breaker));
    this.stateAttributes = NAMES.map((state) =>
      Object.freeze({ ...breaker, 'ballast.resilience.breaker.state': state }),
    );
    telemetry.observe('breakerState', this, reportState);
  }

  run(call: Call, index: number, scope: Scope | undefined, attempt: number): Promise<unknown> {
    if (this.state !== CLOSED) {
      const rejection = this.admit();
      if (rejection !== undefined) return Promise.reject(rejection);
    }
    if (this.timed) return this.guard(call, index, scope, attempt, this.generation);
    return call.next(index, scope, attempt).then(this.onValue, this.onError);
  }

  /** Untimed result handlers, bound to the current generation (rebuilt on every transition). */
  onValue: (value: unknown) => unknown = this.valueHandler(0);
  onError: (error: unknown) => never = this.errorHandler(0);

  valueHandler(generation: number): (value: unknown) => unknown {
    return (value) => {
      this.settle(generation, SUCCEEDED, 0, false, undefined);
      return value;
    };
  }

  errorHandler(generation: number): (error: unknown) => never {
    return (error) => {
      this.settle(generation, this.isFailure(error) ? FAILED : IGNORED, 0, false, error);
      throw error;
    };
  }

  async guard(
    call: Call,
    index: number,
    scope: Scope | undefined,
    attempt: number,
    generation: number,
  ): Promise<unknown> {
    const timed = this.timed;
    const start = timed ? this.clock.now() : 0;
    try {
      const value = await call.next(index, scope, attempt);
      this.settle(generation, SUCCEEDED, start, timed, undefined);
      if (timed && this.events.has('success'))
        this.events.emit('success', { durationMs: this.clock.now() - start });
      return value;
    } catch (error) {
      const counted = this.isFailure(error);
      if (timed && this.events.has('failure')) {
        this.events.emit('failure', { error, durationMs: this.clock.now() - start, counted });
      }
      this.settle(generation, counted ? FAILED : IGNORED, start, timed, error);
      throw error;
    }
  }

  /** Re-reads whether a stopwatch is needed, after listeners come or go. */
  refreshTiming(): void {
    this.timed = this.slow !== undefined || this.events.has('success') || this.events.has('failure');
  }

  /** Decides on a call while not closed: `undefined` admits it, an error rejects it. */
  admit(): Error | undefined {
    if (this.state === OPEN && this.clock.now() >= this.openUntil) this.halfOpen();
    if (this.state === HALF_OPEN && this.probesStarted < this.probes) {
      this.probesStarted++;
      return undefined;
    }
    const retryAfterMs = this.retryAfter();
    const state = NAMES[this.state]!;
    if (this.events.has('rejected')) this.events.emit('rejected', { state, retryAfterMs });
    rejected(this.rejectedAttributes[this.state]!);
    return new BrokenCircuitError(
      { breaker: this.name, isolated: this.state === ISOLATED },
      retryAfterMs === undefined ? {} : { retryAfterMs },
    );
  }

  /**
   * Records the outcome of a call admitted in `generation`. Closed, an error that does not
   * count is recorded as a non-failure. Half-open, it is no evidence either way (the caller
   * cancelled, or sent a bad request): the probe's slot is freed for the next call and the
   * breaker stays half-open, as in resilience4j, so a client hanging up cannot close it.
   */
  settle(generation: number, outcome: Outcome, start: number, timed: boolean, error: unknown): void {
    if (generation !== this.generation) return;
    const now = timed || this.clockedTracker ? this.clock.now() : 0;
    const slow = this.slow !== undefined && now - start >= this.slow.duration;
    if (this.state === CLOSED) {
      if (this.tracker.record(outcome === FAILED, slow, now)) this.open(error);
    } else if (this.state === HALF_OPEN) {
      if (outcome === FAILED || slow) this.open(error);
      else if (outcome === IGNORED) this.probesStarted--;
      else if (++this.probesPassed >= this.probes) this.close(now);
    }
  }

  /** Milliseconds until an open breaker lets a probe through (0 half-open, `undefined` closed or isolated). */
  retryAfter(): number | undefined {
    if (this.state === OPEN) return Math.max(0, this.openUntil - this.clock.now());
    if (this.state === HALF_OPEN) return 0;
    return undefined;
  }

  currentState(): CircuitState {
    if (this.state === OPEN && this.clock.now() >= this.openUntil) this.halfOpen();
    return NAMES[this.state]!;
  }

  isolate(): () => void {
    this.isolations++;
    if (this.state !== ISOLATED) this.transition(ISOLATED, undefined);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.isolations === 0) this.close(this.clock.now());
    };
  }

  reset(): void {
    if (this.state !== ISOLATED) this.close(this.clock.now());
  }

  open(error: unknown): void {
    this.opens++;
    const delay = Math.max(0, this.halfOpenAfter.delay(this.opens, this.lastDelay));
    this.lastDelay = delay;
    this.openUntil = this.clock.now() + delay;
    this.transition(OPEN, error);
  }

  halfOpen(): void {
    this.probesStarted = 0;
    this.probesPassed = 0;
    this.transition(HALF_OPEN, undefined);
  }

  close(now: number): void {
    this.opens = 0;
    this.lastDelay = 0;
    this.tracker.reset(now);
    this.transition(CLOSED, undefined);
  }

  transition(to: number, error: unknown): void {
    const from = this.state;
    this.state = to;
    this.generation++;
    this.onValue = this.valueHandler(this.generation);
    this.onError = this.errorHandler(this.generation);
    if (from !== to) {
      activeSpanEvent('resilience.breaker.state_change', {
        'ballast.resilience.breaker': this.name,
        'ballast.resilience.previous_state': NAMES[from]!,
        'ballast.resilience.breaker.state': NAMES[to]!,
      });
    }
    if (from !== to && this.events.has('stateChange')) {
      this.events.emit('stateChange', {
        from: NAMES[from]!,
        to: NAMES[to]!,
        ...(error === undefined ? {} : { error }),
      });
    }
  }
}
