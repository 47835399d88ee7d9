import { ManualClock } from '@ballast/core/testing';
import { UnavailableError, ValidationError } from '@ballast/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CircuitBreaker,
  circuitBreaker,
  consecutiveFailures,
  failureRate,
  isBrokenCircuitError,
  slowCall,
} from '../src/index.js';

/** The reference: a deliberately naive breaker, written from the spec. */
interface Model {
  state: 'closed' | 'open' | 'half-open';
  now: number;
  openUntil: number;
  /** closed: outcomes so far (true = counts as failure); half-open: probes passed. */
  outcomes: boolean[];
  passed: number;
  readonly failures: number;
  readonly rate: { threshold: number; calls: number; min: number } | undefined;
  readonly probes: number;
  readonly slowMs: number;
  readonly halfOpenAfter: number;
}

interface Real {
  clock: ManualClock;
  breaker: CircuitBreaker;
}

function observed(model: Model): Model['state'] {
  return model.state === 'open' && model.now >= model.openUntil ? 'half-open' : model.state;
}

function shouldOpen(model: Model): boolean {
  if (model.rate === undefined) {
    let run = 0;
    for (let i = model.outcomes.length - 1; i >= 0 && model.outcomes[i]; i--) run++;
    return run >= model.failures;
  }
  const window = model.outcomes.slice(-model.rate.calls);
  if (window.length < model.rate.min) return false;
  return window.filter(Boolean).length >= model.rate.threshold * window.length;
}

/** How the work of a call ends: success, a failure the breaker counts, or a client error it does not. */
type Outcome = 'succeed' | 'fail' | 'reject-input';

class CallCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly outcome: Outcome,
    readonly duration: number,
  ) {}
  check(): boolean {
    return true;
  }
  async run(model: Model, real: Real): Promise<void> {
    if (observed(model) === 'half-open' && model.state === 'open') {
      model.state = 'half-open';
      model.passed = 0;
    }
    let ran = false;
    const result = real.breaker
      .execute(async () => {
        ran = true;
        await real.clock.sleep(this.duration);
        if (this.outcome === 'fail') throw new UnavailableError('down');
        if (this.outcome === 'reject-input') throw new ValidationError('bad input');
        return 'ok';
      })
      .then(
        () => 'ok',
        (error: unknown) => (isBrokenCircuitError(error) ? 'rejected' : 'failed'),
      );
    if (model.state === 'open') {
      expect(await result).toBe('rejected');
      expect(ran).toBe(false);
      return;
    }
    await real.clock.advance(this.duration);
    model.now += this.duration;
    expect(await result).toBe(this.outcome === 'succeed' ? 'ok' : 'failed');
    const slow = this.duration >= model.slowMs;
    const bad = this.outcome === 'fail' || slow;
    if (model.state === 'half-open') {
      // A probe whose error does not count is no evidence: its slot is freed, nothing changes.
      if (bad) open(model);
      else if (this.outcome === 'reject-input') return void expect(real.breaker.state).toBe(observed(model));
      else if (++model.passed >= model.probes) {
        model.state = 'closed';
        model.outcomes = [];
      }
    } else {
      model.outcomes.push(bad);
      if (shouldOpen(model)) open(model);
    }
    expect(real.breaker.state).toBe(observed(model));
  }
  toString(): string {
    return `${this.outcome}(${this.duration}ms)`;
  }
}

function open(model: Model): void {
  model.state = 'open';
  model.openUntil = model.now + model.halfOpenAfter;
  model.outcomes = [];
}

class AdvanceCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly ms: number) {}
  check(): boolean {
    return true;
  }
  async run(model: Model, real: Real): Promise<void> {
    await real.clock.advance(this.ms);
    model.now += this.ms;
    expect(real.breaker.state).toBe(observed(model));
  }
  toString(): string {
    return `advance(${this.ms})`;
  }
}

const commands = fc.commands(
  [
    fc
      .tuple(fc.constantFrom<Outcome>('succeed', 'fail', 'reject-input'), fc.constantFrom(0, 1, 5, 60))
      .map(([outcome, d]) => new CallCommand(outcome, d)),
    fc.integer({ min: 1, max: 400 }).map((ms) => new AdvanceCommand(ms)),
  ],
  { maxCommands: 60 },
);

describe('circuitBreaker model', () => {
  it('behaves like the reference state machine (consecutive failures, slow calls, probes)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        commands,
        async (failures, probes, cmds) => {
          const clock = new ManualClock();
          const breaker = circuitBreaker({
            strategy: consecutiveFailures(failures),
            slowCall: slowCall({ duration: 50 }),
            halfOpenAfter: 200,
            halfOpenProbes: probes,
            clock,
          });
          const model: Model = {
            state: 'closed',
            now: 0,
            openUntil: 0,
            outcomes: [],
            passed: 0,
            failures,
            rate: undefined,
            probes,
            slowMs: 50,
            halfOpenAfter: 200,
          };
          await fc.asyncModelRun(() => ({ model, real: { clock, breaker } }), cmds);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('behaves like the reference state machine (failure rate over a count window, no stopwatch)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(0.25, 0.5, 1),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        commands,
        async (threshold, calls, min, cmds) => {
          const clock = new ManualClock();
          const breaker = circuitBreaker({
            strategy: failureRate({ threshold, window: { calls }, minThroughput: min }),
            halfOpenAfter: 200,
            clock,
          });
          const model: Model = {
            state: 'closed',
            now: 0,
            openUntil: 0,
            outcomes: [],
            passed: 0,
            failures: 0,
            rate: { threshold, calls, min },
            probes: 1,
            slowMs: Number.POSITIVE_INFINITY,
            halfOpenAfter: 200,
          };
          await fc.asyncModelRun(() => ({ model, real: { clock, breaker } }), cmds);
        },
      ),
      { numRuns: 100 },
    );
  });
});
