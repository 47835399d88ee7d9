import { invalidOption } from '@ballast/errors';
import { policyOf, STEPS, type Step } from './internal/call.js';
import { PolicyStep } from './internal/policy-step.js';
import type { Policy } from './policy.js';

/**
 * Composes policies into one, outermost first: `pipeline(retry(), circuitBreaker(), timeout(1000))`
 * retries calls that go through the breaker, each attempt under its own timeout.
 * The chain of built-in policies is flattened once here, so a pipeline costs no more per
 * call than its parts.
 *
 * Any object with `execute(work, signal)` can take part, not only the policies of this
 * package: yours runs the rest of the chain as its `work`, receives the chain's signal,
 * and the policies inside it see the signal and attempt it passes to its work.
 *
 * @throws ConfigurationError when an argument is not a policy (has no `execute` function).
 */
export function pipeline(...policies: Policy[]): Policy {
  const steps: Step[] = [];
  policies.forEach((policy, index) => {
    const inner = (policy as { [STEPS]?: readonly Step[] } | undefined)?.[STEPS];
    if (Array.isArray(inner)) steps.push(...inner);
    else if (typeof (policy as Partial<Policy> | undefined)?.execute === 'function')
      steps.push(new PolicyStep(policy));
    else throw invalidOption(`pipeline[${index}]`, policy, 'a policy: an object with execute(work, signal)');
  });
  return policyOf<Policy>(steps, {});
}
