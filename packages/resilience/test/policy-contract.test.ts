import { ManualClock } from '@ballast/core/testing';
import {
  bulkhead,
  circuitBreaker,
  fallback,
  hedge,
  pipeline,
  retry,
  timeout,
  tokenBucket,
} from '../src/index.js';
import { policyContract } from './policy.contract.js';
import { tagging } from './user-policies.js';

const clock = () => new ManualClock();

policyContract('a user-written policy', () => tagging([], 'user'));
policyContract('retry', () => retry({ clock: clock() }));
policyContract('timeout', () => timeout('1h', { clock: clock() }));
policyContract('circuitBreaker', () => circuitBreaker({ clock: clock() }));
policyContract('bulkhead', () => bulkhead({ limit: 2, clock: clock() }));
policyContract('fallback', () => fallback('default'));
policyContract('hedge', () => hedge({ delay: '1h', clock: clock() }));
policyContract('tokenBucket', () => tokenBucket({ rate: 100, clock: clock() }));
policyContract('a pipeline of built-ins and a user policy', () =>
  pipeline(retry({ clock: clock() }), tagging([], 'user'), timeout('1h', { clock: clock() })),
);
