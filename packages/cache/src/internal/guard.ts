import type { Clock, Emitter } from '@ballast/core';
import { durationOption, integerOption } from '@ballast/errors';
import { circuitBreaker, consecutiveFailures, pipeline, timeout } from '@ballast/resilience';
import type { CacheEvents } from '../events.js';
import type { TierProtection } from '../options.js';
import type { TierGuard } from './tier-runner.js';

/** Resolved protection settings, validated once per cache. */
export interface ProtectionSettings {
  readonly timeout: number;
  readonly failures: number;
  readonly halfOpenAfter: number;
}

/** Validates the `protection` option. @throws ConfigurationError naming the bad option. */
export function protectionSettings(options: TierProtection = {}): ProtectionSettings {
  const limit = durationOption('protection.timeout', options.timeout ?? 1_000);
  return {
    timeout: integerOption('protection.timeout', limit, 1),
    failures: integerOption('protection.failures', options.failures ?? 5, 1),
    halfOpenAfter: durationOption('protection.halfOpenAfter', options.halfOpenAfter ?? 5_000),
  };
}

/**
 * Puts a tier behind a `@ballast/resilience` circuit breaker and timeout: a slow or
 * failing tier costs at most `timeout` per call until the breaker opens, then nothing
 * until a probe finds it healthy again.
 */
export function createGuard(
  tier: string,
  settings: ProtectionSettings,
  clock: Clock,
  emitter: Emitter<CacheEvents>,
): TierGuard {
  const breaker = circuitBreaker({
    name: `cache:${tier}`,
    strategy: consecutiveFailures(settings.failures),
    halfOpenAfter: settings.halfOpenAfter,
    clock,
  });
  const policy = pipeline(breaker, timeout(settings.timeout, { clock }));
  const off = breaker.on('stateChange', ({ to }) => emitter.emit('breaker', { tier, state: to }));
  return {
    run: (operation) => policy.execute(operation),
    get state() {
      return breaker.state;
    },
    close: off,
  };
}
