import type { Duration } from '@ballast/core';
import { durationOption, invalidOption } from '@ballast/errors';
import type { CheckInput, CheckKind, HealthCheck } from '../types.js';
import { checkOptions, isPlainObject, keysOf } from './options.js';
import type { ResolvedCheck } from './runner.js';

const KINDS: ReadonlySet<string> = new Set<CheckKind>(['liveness', 'readiness', 'startup']);
const CHECK_KEYS = keysOf<HealthCheck>({
  name: true,
  run: true,
  critical: true,
  kinds: true,
  timeout: true,
  interval: true,
  cacheFor: true,
  componentType: true,
  measurement: true,
  observedUnit: true,
  close: true,
});
const CHECK_HINTS = {
  check: 'a check has run(signal), or is a HealthIndicator with check(signal), not both',
};

/** Registry-wide defaults a check falls back to. */
export interface CheckDefaults {
  readonly timeoutMs: number;
  readonly cacheForMs: number;
}

/** Reads a duration that must be above zero (a timeout or an interval). */
export function positiveDuration(option: string, value: Duration): number {
  const ms = durationOption(option, value);
  if (ms <= 0) throw invalidOption(option, value, "a duration above zero, like 500, '2s' or '1m'");
  return ms;
}

/**
 * Validates a check (or a core `HealthIndicator`) and resolves its settings. A check with
 * `run` written as an object literal may hold only the {@link HealthCheck} keys; the other
 * members of a class instance (`new PgCheck(pool)`) or of an indicator (a circuit breaker's
 * `execute`, `state`…) belong to their owner and are left alone.
 * @throws ConfigurationError naming the bad setting or unknown key.
 */
export function resolveCheck(
  input: CheckInput,
  defaults: CheckDefaults,
  showName: (name: string) => string,
): ResolvedCheck {
  if (typeof input !== 'object' || input === null) {
    throw invalidOption('check', input, 'an object with a name and a run(signal) or check(signal) function');
  }
  const { name } = input;
  if (typeof name !== 'string' || name.trim() === '') {
    throw invalidOption('check.name', name, 'a non-empty string');
  }
  const at = (setting: string): string => `checks["${name}"].${setting}`;
  let run: ResolvedCheck['run'];
  if (typeof input.run === 'function') {
    // A class instance's own fields (a pool, a client) are not options; only a literal
    // is held to the HealthCheck keys, where an extra key is a typo.
    if (isPlainObject(input)) checkOptions(`checks["${name}"]`, input, CHECK_KEYS, CHECK_HINTS);
    run = input.run.bind(input);
  } else if ('check' in input && typeof input.check === 'function') run = input.check.bind(input);
  else {
    throw invalidOption(
      at('run'),
      input.run,
      'a function run(signal) (or a HealthIndicator with check(signal))',
    );
  }

  const kinds = input.kinds ?? ['readiness'];
  if (!Array.isArray(kinds) || kinds.length === 0 || !kinds.every((kind) => KINDS.has(kind))) {
    throw invalidOption(at('kinds'), kinds, "a non-empty array of 'liveness', 'readiness' and 'startup'");
  }
  const critical = input.critical ?? true;
  if (typeof critical !== 'boolean') throw invalidOption(at('critical'), critical, 'true or false');
  // An indicator's own close() (a cache, a pool) is not the registry's to call.
  const close = typeof input.run === 'function' ? input.close : undefined;
  // A name may be a connection URL: reports, doctor lines and metrics show it redacted.
  const shownName = showName(name);
  return {
    name,
    run,
    critical,
    kinds: new Set(kinds),
    timeoutMs:
      input.timeout === undefined ? defaults.timeoutMs : positiveDuration(at('timeout'), input.timeout),
    intervalMs: input.interval === undefined ? undefined : positiveDuration(at('interval'), input.interval),
    cacheForMs:
      input.cacheFor === undefined ? defaults.cacheForMs : durationOption(at('cacheFor'), input.cacheFor),
    componentType: input.componentType,
    observedUnit: input.observedUnit,
    shownName,
    key: input.measurement === undefined ? shownName : `${shownName}:${input.measurement}`,
    close: typeof close === 'function' ? close.bind(input) : undefined,
  };
}
