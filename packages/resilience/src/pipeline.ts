import { invalidOption } from '@ballast/errors';
import { policyOf, STEPS, type Step } from './internal/call.js';
import type { Policy } from './policy.js';

/**
 * Composes policies into one, outermost first: `pipeline(retry(), circuitBreaker(), timeout(1000))`
 * retries calls that go through the breaker, each attempt under its own timeout.
 * The chain is flattened once here, so a pipeline costs no more per call than its parts.
 *
 * @throws ConfigurationError when an argument is not a Ballast policy.
 */
export function pipeline(...policies: Policy[]): Policy {
  const steps: Step[] = [];
  policies.forEach((policy, index) => {
    const inner = (policy as Partial<Policy> | undefined)?.[STEPS];
    if (!Array.isArray(inner)) throw invalidOption(`pipeline[${index}]`, policy, 'a Ballast policy');
    steps.push(...inner);
  });
  return policyOf<Policy>(steps, {});
}
