import { DEFAULT_CENSOR } from './censor.js';
import { invalidOption, rejectUnknownKeys } from './internal/configuration-error.js';
import { resolveLimits } from './internal/limit-options.js';
import { errorView } from './internal/special.js';
import { type WalkConfig, Walker } from './internal/walker.js';
import type { ValueLimits } from './limits.js';

/** Options of {@link createSafeCopy}: the limits of one call, and how errors are shown. */
export interface SafeCopyOptions extends Partial<ValueLimits> {
  /**
   * Objects nested deeper than this (the value itself is at depth 0) become `'[Truncated]'`.
   * A whole number ≥ 0.
   * @defaultValue `20`
   */
  maxDepth?: number;
  /**
   * What an error (an `Error`, one from another realm, or a Ballast error) shows in the copy:
   * usually a plain object of its fields, which are then copied like any other value
   * (cycles, limits and all). When it throws, the error becomes `'[Unserializable]'`.
   * @defaultValue `{ name, message, stack, …own fields, cause, errors }`
   */
  describeError?: (error: Error) => unknown;
  /**
   * Whether values JSON has no form for get a stand-in (`true`), or stay as they are for
   * `JSON.stringify` to print or drop (`false`: Dates, `undefined`, functions, symbols,
   * non-finite numbers; BigInts still become decimal strings, `'10'`).
   * @defaultValue `true`
   */
  strict?: boolean;
}

/** A compiled copier: a JSON-safe, bounded copy of any value; never throws, never mutates. */
export type SafeCopy = (value: unknown) => unknown;

const OPTION_KEYS = [
  'maxDepth',
  'maxArrayLength',
  'maxKeys',
  'maxStringLength',
  'maxTotalLength',
  'describeError',
  'strict',
] as const satisfies ReadonlyArray<keyof SafeCopyOptions>;

/**
 * Compiles a copier that turns any value, however hostile, into a plain tree that
 * `JSON.stringify` prints faithfully and cannot throw on, at a bounded cost per call. It is
 * the walk `createRedactor` runs, without censoring: cycles become `'[Circular]'`, throwing
 * getters and proxies `'[Unserializable]'`, deep or over-budget subtrees `'[Truncated]'`;
 * arrays, objects and strings past their limit end in a marker
 * (`'[… 99,999,990 more items]'`); Buffers and typed arrays become `'[Buffer: 1024 bytes]'`;
 * Errors, Maps, Sets and `toJSON` are expanded; Dates become ISO strings, BigInts `'10n'`,
 * functions `'[Function: name]'`, symbols their description, `NaN` and infinities strings;
 * `undefined` members are dropped (`null` in arrays). Unchanged subtrees are shared.
 *
 * @example
 * const copy = createSafeCopy({ maxArrayLength: 10 });
 * copy({ ids: new Array(2 ** 32 - 1) });
 * // → { ids: [null, null, …8 more, '[… 4,294,967,285 more items]'] }
 *
 * @throws A `ConfigurationError` (`code: 'INVALID_CONFIGURATION'`) for an invalid option.
 */
export function createSafeCopy(options: SafeCopyOptions = {}): SafeCopy {
  if (typeof options !== 'object' || options === null) {
    throw invalidOption('options', options, 'an options object');
  }
  rejectUnknownKeys('createSafeCopy', options, OPTION_KEYS);
  const { maxDepth = 20, describeError = errorView, strict = true } = options;
  if (typeof strict !== 'boolean') throw invalidOption('strict', strict, 'true or false');
  if (!Number.isInteger(maxDepth) || maxDepth < 0) {
    throw invalidOption('maxDepth', maxDepth, 'a whole number ≥ 0');
  }
  if (typeof describeError !== 'function') {
    throw invalidOption('describeError', describeError, 'a function (error) => plain object');
  }
  const limits = resolveLimits(options, (name, value) => {
    throw invalidOption(name, value, 'a whole number ≥ 1, or Infinity for no limit');
  });
  const config: WalkConfig = {
    paths: null,
    keys: null,
    scanner: null,
    censor: { kind: 'string', text: DEFAULT_CENSOR },
    remove: false,
    maxDepth,
    limits,
    json: strict,
    describeError,
  };
  const walker = new Walker(config);
  return (value) => (walker.busy ? new Walker(config).run(value) : walker.run(value));
}
