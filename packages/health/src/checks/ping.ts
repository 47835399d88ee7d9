import { systemClock } from '@ballast/core';
import { invalidOption } from '@ballast/errors';
import { checkOptions, keysOf } from '../internal/options.js';
import type { HealthCheck } from '../types.js';
import { applySettings, type CheckSettings, SETTINGS_KEYS } from './settings.js';

/** Options for {@link pingCheck}. */
export type PingCheckOptions = Omit<CheckSettings, 'name'>;

const { name: _name, ...PING_SETTINGS } = SETTINGS_KEYS;
const PING_KEYS = keysOf<PingCheckOptions>(PING_SETTINGS);
const PING_HINTS = { name: "the name is pingCheck's first argument: pingCheck(name, fn, options)" };

/**
 * Turns any async call into a check: it passes when `fn` resolves, fails when it
 * rejects (with the error's message) or resolves `false`, and reports its latency in ms.
 *
 * @example pingCheck('postgres', (signal) => pool.query({ text: 'SELECT 1', signal }))
 * @throws ConfigurationError when `fn` is not a function.
 */
export function pingCheck(
  name: string,
  fn: (signal: AbortSignal) => unknown,
  options: PingCheckOptions = {},
): HealthCheck {
  checkOptions('pingCheck', options, PING_KEYS, PING_HINTS);
  if (typeof fn !== 'function') throw invalidOption('pingCheck fn', fn, 'a function (signal) => Promise');
  const clock = options.clock ?? systemClock;
  const check: HealthCheck = {
    name,
    measurement: 'responseTime',
    observedUnit: 'ms',
    async run(signal) {
      const started = clock.now();
      const answer = await fn(signal);
      const latency = clock.now() - started;
      if (answer === false)
        return { status: 'fail', output: 'the ping answered false', observedValue: latency };
      return { status: 'pass', observedValue: latency };
    },
  };
  return applySettings(check, options);
}
