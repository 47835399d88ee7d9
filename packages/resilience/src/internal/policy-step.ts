import type { Policy, PolicyContext } from '../policy.js';
import { type Call, Scope, type Step } from './call.js';

/**
 * A policy that is not one of ours (any object with `execute(work, signal)`) as a step
 * of a pipeline: it runs the rest of the chain as its work. Its `signal` is the chain's
 * signal at this point; the steps below see the signal it gives its work as well as the
 * chain's, and the attempt it gives when that is a whole number above the chain's (a
 * retry of yours counts on from the chain's attempt; a policy that always says 1 does not
 * reset it).
 */
export class PolicyStep implements Step {
  readonly kind = 'custom';
  constructor(readonly policy: Policy) {}

  run(call: Call, index: number, scope: Scope | undefined, attempt: number): Promise<unknown> {
    const outer = scope === undefined ? call.outer : scope.signal();
    try {
      return Promise.resolve(
        this.policy.execute((context?: Partial<PolicyContext>) => {
          const theirs = context?.signal;
          let inner = scope;
          if (theirs instanceof AbortSignal && theirs !== outer) {
            inner = new Scope(undefined, outer === undefined ? theirs : AbortSignal.any([outer, theirs]));
          }
          const at = context?.attempt;
          return call.next(
            index,
            inner,
            Number.isSafeInteger(at) && (at as number) > attempt ? (at as number) : attempt,
          );
        }, outer),
      );
    } catch (error) {
      return Promise.reject(error);
    }
  }
}
