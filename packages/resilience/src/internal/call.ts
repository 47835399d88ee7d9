import { abortReason, errorType } from '@ballast/core';
import type { Attributes, Span, Tracer } from '@opentelemetry/api';
import type { Policy, PolicyContext, Work } from '../policy.js';
import { telemetry } from '../telemetry.js';
import { endSpan, type Instruments, instruments } from './metrics.js';

/** @internal the key under which a policy keeps its steps for `pipeline`. */
export const STEPS: unique symbol = Symbol.for('ballast.resilience.steps') as never;

/** A signal that never aborts, shared by every call that has no signal of its own. */
const NEVER: AbortSignal = new AbortController().signal;

/**
 * A link in the chain of signals: a timeout or hedge scope that can abort the work
 * below it. Its `AbortController` is created only when someone reads the signal.
 */
export class Scope {
  controller: AbortController | undefined = undefined;
  /** The reason once this scope has aborted (or `undefined`). */
  reason: unknown = undefined;
  aborted = false;
  #listening: AbortSignal | undefined = undefined;

  constructor(
    readonly parent: Scope | undefined,
    readonly outer: AbortSignal | undefined,
  ) {}

  /** The signal of this scope: aborts with the parent's signal or with {@link Scope.abort}. */
  signal(): AbortSignal {
    if (this.controller !== undefined) return this.controller.signal;
    const controller = new AbortController();
    this.controller = controller;
    if (this.aborted) {
      controller.abort(this.reason);
      return controller.signal;
    }
    const parent = this.parent === undefined ? this.outer : this.parent.signal();
    if (parent !== undefined) {
      if (parent.aborted) controller.abort(abortReason(parent));
      else {
        parent.addEventListener('abort', this);
        this.#listening = parent;
      }
    }
    return controller.signal;
  }

  /** @internal the parent signal aborted (EventListener object, so no closure per call). */
  handleEvent(): void {
    const parent = this.#listening;
    this.#listening = undefined;
    if (parent !== undefined) this.controller!.abort(abortReason(parent));
  }

  /** Aborts this scope's signal (if anyone read it) with `reason`. */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.release();
    this.controller?.abort(reason);
  }

  /** Stops listening to the parent; call once the work below has settled. */
  release(): void {
    const parent = this.#listening;
    if (parent !== undefined) {
      this.#listening = undefined;
      parent.removeEventListener('abort', this);
    }
  }
}

/** The signal a context at `scope` sees. */
export function signalOf(scope: Scope | undefined, outer: AbortSignal | undefined): AbortSignal {
  return scope !== undefined ? scope.signal() : (outer ?? NEVER);
}

class Context implements PolicyContext {
  constructor(
    readonly call: Call,
    readonly scope: Scope | undefined,
    readonly attempt: number,
  ) {}

  get signal(): AbortSignal {
    return signalOf(this.scope, this.call.outer);
  }
}

/**
 * One step of a policy chain. `run` must return a promise and never throw; it
 * continues the chain with `call.next(index, scope, attempt)`.
 */
export interface Step {
  /** The policy this step belongs to (`retry`, `circuit_breaker`…; `custom` for a policy of the user's), named on the `resilience.execute` span. */
  readonly kind: string;
  run(call: Call, index: number, scope: Scope | undefined, attempt: number): Promise<unknown>;
}

/** One execution of a chain of steps around a piece of work. */
export class Call {
  /** The `resilience.execute` span of this call, when tracing is on. */
  span: Span | undefined = undefined;

  constructor(
    readonly work: Work<unknown>,
    readonly steps: readonly Step[],
    readonly outer: AbortSignal | undefined,
  ) {}

  /** Runs step `index` (or the work when past the last step). Never throws. */
  next(index: number, scope: Scope | undefined, attempt: number): Promise<unknown> {
    const step = this.steps[index];
    if (step !== undefined) return step.run(this, index + 1, scope, attempt);
    if (this.span !== undefined)
      this.span.addEvent('resilience.attempt', { 'ballast.resilience.attempt': attempt });
    try {
      return Promise.resolve(this.work(new Context(this, scope, attempt)));
    } catch (error) {
      return Promise.reject(error);
    }
  }
}

/** Runs `work` through `steps`: the body of every policy's `execute`. */
export function executeSteps<T>(
  steps: readonly Step[],
  work: Work<T>,
  signal: AbortSignal | undefined,
): Promise<T> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  // With no SDK registered, one check: no span, no stopwatch.
  if (telemetry.enabled()) {
    const tracer = telemetry.tracer();
    const metrics = instruments();
    if (tracer !== undefined || metrics !== undefined) {
      return observed(new Call(work, steps, signal), tracer, metrics) as Promise<T>;
    }
  }
  return new Call(work, steps, signal).next(0, undefined, 1) as Promise<T>;
}

/** The `resilience.execute` span attributes of each chain of steps, made once per chain. */
const chainAttributes = new WeakMap<readonly Step[], Attributes>();

function attributesOf(steps: readonly Step[]): Attributes {
  let attributes = chainAttributes.get(steps);
  if (attributes === undefined) {
    attributes = Object.freeze({ 'ballast.resilience.pipeline': steps.map((step) => step.kind).join(' > ') });
    chainAttributes.set(steps, attributes);
  }
  return attributes;
}

/** The traced and measured execute: a `resilience.execute` span made active, a duration. */
function observed(
  call: Call,
  tracer: Tracer | undefined,
  metrics: Instruments | undefined,
): Promise<unknown> {
  const started = metrics === undefined ? 0 : performance.now();
  const settle = (failed: boolean, error: unknown): void => {
    metrics?.duration.record(
      (performance.now() - started) / 1000,
      failed ? { 'error.type': errorType(error) } : {},
    );
    if (call.span !== undefined) endSpan(call.span, failed, error);
  };
  const run = (): Promise<unknown> =>
    call.next(0, undefined, 1).then(
      (value) => {
        settle(false, undefined);
        return value;
      },
      (error: unknown) => {
        settle(true, error);
        throw error;
      },
    );
  if (tracer === undefined) return run();
  return tracer.startActiveSpan('resilience.execute', { attributes: attributesOf(call.steps) }, (span) => {
    call.span = span;
    return run();
  });
}

/** Builds a policy object around `steps`, optionally with extra members. */
export function policyOf<P extends Policy>(
  steps: readonly Step[],
  extra: Omit<P, 'execute' | typeof STEPS>,
): P {
  const policy = extra as P;
  Object.defineProperty(policy, STEPS, { value: steps, enumerable: false });
  (policy as { execute: Policy['execute'] }).execute = (work, signal) => executeSteps(steps, work, signal);
  return policy;
}
