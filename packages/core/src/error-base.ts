/**
 * The one implementation of a Ballast error's shape: the brand, the fields, the plain JSON
 * view, and the wording of a bad or unknown option. `@ballast/errors` builds `BallastError`
 * and its classes on it; `@ballast/redact`, which `@ballast/errors` depends on and so cannot
 * import it, builds its configuration error on it too. This module imports only
 * `closestName`, so the packages below `@ballast/errors` stay cheap to import
 * (`@ballast/core/error-base`).
 */
import { closestName } from './closest-name.js';
import { BALLAST_ERROR_BRAND } from './internal/error-brand.js';

export { BALLAST_ERROR_BRAND };

/** Everything a {@link BallastErrorBase} is made of, resolved: no defaults are applied here. */
export interface BallastErrorFields<D extends Record<string, unknown> = Record<string, unknown>> {
  /** Stable SCREAMING_SNAKE identifier, e.g. `'USER_NOT_FOUND'`. */
  code: string;
  /** The kind of failure (`'not_found'`, `'configuration'`, …). */
  category: string;
  /** The HTTP status to answer with, from 400 to 599. */
  status: number;
  /** Whether trying the same call again may succeed. */
  retryable: boolean;
  /** A sentence safe to show an end user. */
  userMessage: string;
  /** What the reader can do about it, most useful first. @defaultValue `[]` */
  suggestions?: readonly string[] | undefined;
  /** Structured, JSON-safe facts. @defaultValue `{}` */
  details?: D | undefined;
  /** A link to documentation about this error. */
  docsUrl?: string | undefined;
  /** How long to wait before retrying, in ms, when the failure said so. */
  retryAfterMs?: number | undefined;
  /** The error this one wraps. */
  cause?: unknown;
}

/**
 * The base of every Ballast error: a normal `Error` carrying the Ballast brand and fields.
 * Applications use `BallastError` and its classes from `@ballast/errors`, which validate
 * the fields, fill in each category's defaults and redact `toJSON`; this base does none of
 * that, so it can live below every package.
 */
export class BallastErrorBase<D extends Record<string, unknown> = Record<string, unknown>> extends Error {
  /** The brand `isBallastError` checks: shared by every installed copy and build. */
  declare readonly [BALLAST_ERROR_BRAND]: true;
  /** Stable SCREAMING_SNAKE identifier of what went wrong (`'USER_NOT_FOUND'`); match on it, not on the message. */
  readonly code: string;
  /** The kind of failure (`'not_found'`, `'timeout'`, …). */
  readonly category: string;
  /** The HTTP status to answer with: a whole number from 400 to 599. */
  readonly status: number;
  /** Whether trying the same call again may succeed (`retry()` retries only these). */
  readonly retryable: boolean;
  /** A sentence safe to show an end user: no internals, no secrets. */
  readonly userMessage: string;
  /** What the reader can do about it, most useful first (may be empty). */
  readonly suggestions: readonly string[];
  /** Structured, JSON-safe facts about the failure (ids, limits, field names); never secrets. */
  readonly details: D;
  /** A link to documentation about this error, when it has one. */
  readonly docsUrl: string | undefined;
  /** How long to wait before retrying, in ms, when the failure said so (e.g. `Retry-After`). */
  readonly retryAfterMs: number | undefined;

  /** Creates the error from resolved fields; its `name` is its class's name. */
  constructor(message: string, fields: BallastErrorFields<D>) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.code = fields.code;
    this.category = fields.category;
    this.status = fields.status;
    this.retryable = fields.retryable;
    this.userMessage = fields.userMessage;
    this.suggestions = Object.freeze([...(fields.suggestions ?? [])]);
    this.details = fields.details ?? ({} as D);
    this.docsUrl = fields.docsUrl;
    this.retryAfterMs = fields.retryAfterMs;
    this.name = new.target.name || 'BallastError';
  }

  /**
   * A plain JSON view that keeps `message` and `stack` (which `JSON.stringify` loses on a
   * plain `Error`): the name, the message, every Ballast field that is set and the stack.
   * It is not redacted and leaves out `cause`, which may be anything (cyclic, hostile,
   * secret): `BallastError` in `@ballast/errors` overrides it with `serializeError`, which
   * walks the cause chain safely and redacts.
   */
  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = {
      name: this.name,
      message: this.message,
      code: this.code,
      category: this.category,
      status: this.status,
      retryable: this.retryable,
      userMessage: this.userMessage,
      suggestions: this.suggestions,
      details: this.details,
    };
    if (this.docsUrl !== undefined) json.docsUrl = this.docsUrl;
    if (this.retryAfterMs !== undefined) json.retryAfterMs = this.retryAfterMs;
    json.stack = this.stack;
    return json;
  }
}
Object.defineProperty(BallastErrorBase.prototype, BALLAST_ERROR_BRAND, { value: true, enumerable: false });

/**
 * A received value as an error message shows it: JSON, except where JSON would misreport
 * it (NaN, ±Infinity, bigints, symbols) or say nothing useful (functions). Never throws.
 */
export function showValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  // JSON.stringify turns NaN and ±Infinity into null and throws on bigint.
  if (typeof value === 'number' || typeof value === 'symbol') return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** What a configuration error about one option says: its message, details and suggestions. */
export interface OptionProblem<D extends Record<string, unknown> = Record<string, unknown>> {
  /** The sentence naming the option, what was wrong and what is allowed. */
  readonly message: string;
  /** `{ option, expected }`, plus `intended` when a valid option name is close to an unknown one. */
  readonly details: D;
  /** The one fix to make. */
  readonly suggestions: readonly string[];
}

/**
 * The problem of a bad option value, naming the option, the value and what is allowed.
 *
 * @example describeInvalidOption('retry.maxAttempts', 0, 'a whole number ≥ 1').message
 * // Invalid option retry.maxAttempts: got 0; expected a whole number ≥ 1.
 */
export function describeInvalidOption(
  option: string,
  value: unknown,
  expected: string,
): OptionProblem<{ option: string; expected: string }> {
  return {
    message: `Invalid option ${option}: got ${showValue(value)}; expected ${expected}.`,
    details: { option, expected },
    suggestions: [`Set ${option} to ${expected}.`],
  };
}

/**
 * The problem of the first own key of `options` that is not in `validKeys`, or `undefined`
 * when every key is valid. It names the key, the valid key it most likely meant (`closestName`)
 * and the valid keys; `hints` adds advice for keys users are known to pass by mistake. The
 * value under the unknown key is never shown: a misspelt `pasword` may hold a secret.
 *
 * @example findUnknownOption('createLogger', { levle: 'debug' }, ['level', 'sinks'])?.message
 * // Unknown option createLogger.levle (did you mean level?): expected one of level, sinks.
 */
export function findUnknownOption(
  owner: string,
  options: object,
  validKeys: readonly string[],
  hints: Readonly<Record<string, string>> = {},
): OptionProblem | undefined {
  for (const key of Object.keys(options)) {
    if (validKeys.includes(key)) continue;
    const option = `${owner}.${key}`;
    const intended = closestName(key, validKeys);
    const hint = Object.hasOwn(hints, key) ? hints[key] : undefined;
    const expected = validKeys.length > 0 ? `one of ${validKeys.join(', ')}` : 'no options';
    const guess = intended === undefined ? '' : ` (did you mean ${intended}?)`;
    let suggestion = `Rename ${key} to ${intended}.`;
    if (intended === undefined)
      suggestion = hint === undefined ? `Remove ${key}.` : `Remove ${key}; ${hint}.`;
    return {
      message: `Unknown option ${option}${guess}: expected ${expected}${hint === undefined ? '' : `; ${hint}`}.`,
      details: { option, expected, ...(intended === undefined ? {} : { intended }) },
      suggestions: [suggestion],
    };
  }
  return undefined;
}
