import { createRedactor, type RedactOptions, type Redactor } from '@ballast/redact';

/** How a function redacts: a compiled redactor, options to compile one, `true` for the defaults, or `false`. */
export type Redaction = Redactor | RedactOptions | boolean;

let defaults: Redactor | undefined;
const compiled = new WeakMap<RedactOptions, Redactor>();

/**
 * The redactor for `redaction` (`fallback` when it is undefined): compiled once per
 * options object, the default one (default keys and patterns) created on first use.
 * @throws ConfigurationError (from `@ballast/redact`) when the options are invalid.
 */
export function resolveRedactor(redaction: Redaction | undefined, fallback: boolean): Redactor | undefined {
  const chosen = redaction ?? fallback;
  if (chosen === false) return undefined;
  if (chosen === true) {
    defaults ??= createRedactor();
    return defaults;
  }
  if (typeof chosen === 'function') return chosen;
  let redactor = compiled.get(chosen);
  if (redactor === undefined) {
    redactor = createRedactor(chosen);
    compiled.set(chosen, redactor);
  }
  return redactor;
}
