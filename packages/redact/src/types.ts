/**
 * A value detector: where `regex` matches inside a string, the secret part (the whole
 * match, or capture group `group`) is replaced by the censor and the rest of the string
 * is kept.
 */
export interface RedactPattern {
  /** A short name for documentation and debugging, e.g. `'jwt'`. */
  readonly name: string;
  /** What to find. The `g` flag is added when missing. */
  readonly regex: RegExp;
  /** The capture group holding the secret. @defaultValue `0` (the whole match) */
  readonly group?: number;
  /** Rejects false positives (a card number that fails the Luhn check); gets the secret part. */
  readonly validate?: (secret: string) => boolean;
  /**
   * A cheap, case-insensitive regular expression source every match contains; strings
   * without it skip this pattern. Patterns with a hint share one pre-check per string.
   */
  readonly hint?: string;
  /** Strings shorter than this cannot match and skip the pattern. @defaultValue `0` */
  readonly minLength?: number;
  /**
   * Literal strings one of which every match contains, compared without case (`['ghp_',
   * 'gho_']` for a token, `['://']` for a URL). With `prefixes` or `triggers` the pattern joins the
   * one character loop every string goes through, and runs only on strings holding one of
   * them: the cheapest way to add a pattern. `hint` is then unused.
   */
  readonly prefixes?: readonly string[];
  /** Characters one of which (`triggerCount` of which) every match contains, e.g. `'=:'`. */
  readonly triggers?: string;
  /** How many `triggers` characters every match holds at least. @defaultValue `1` */
  readonly triggerCount?: number;
}

/**
 * Computes the replacement for a redacted value. `path` is the concrete location
 * (`['user', 'password']`, array indices as strings); for a secret found inside a
 * string, `value` is the matched substring and the result is converted to a string. For
 * a secret found inside a key, `path` is that of the object holding the key.
 */
export type CensorFunction = (value: unknown, path: readonly string[]) => unknown;

/**
 * What replaces a secret: a fixed string, a function, or `'hash'` for a stable keyed
 * pseudonym (`[REDACTED:3f9a1c2e]`, HMAC-SHA-256 with `hashKey`) that lets the same
 * value be correlated across reports without being revealed.
 */
export type Censor = string | CensorFunction | 'hash';

/**
 * What to redact, and how to censor it: the options `createRedactor` and `compileRedaction`
 * share (a logger's `redact` option is this shape). Everything is optional and validated
 * once, at creation.
 */
export interface RedactSelection {
  /**
   * Locations to redact, in fast-redact syntax: `a.b`, `a["x-y"].c`, `a[0]`, `a.*.c`,
   * `*.password`; `*` matches any one key or index. Missing locations, and `null` or
   * `undefined` values, are left alone (the censor is not called for them).
   * @defaultValue `[]`
   */
  paths?: readonly string[];
  /**
   * Extra key names redacted at any depth, compared without case and separators
   * (`apiKey` = `api_key` = `API-KEY`); added to {@link DEFAULT_KEYS} unless
   * `defaultKeys` is false. `false` turns key matching off entirely.
   * @defaultValue `[]`
   */
  keys?: readonly string[] | false;
  /** Whether {@link DEFAULT_KEYS} are redacted. @defaultValue `true` */
  defaultKeys?: boolean;
  /**
   * Extra value detectors for strings (including Error messages and stacks, and object
   * and Map keys); only the matched part is replaced. Added to {@link DEFAULT_PATTERNS} unless `defaultPatterns`
   * is false. `false` turns pattern scanning off entirely.
   * @defaultValue `[]`
   */
  patterns?: readonly (RegExp | RedactPattern)[] | false;
  /**
   * Whether {@link DEFAULT_PATTERNS} run: all, none, or all but those named in `except`
   * (`{ except: ['card-number', 'twilio-key'] }`; an unknown name is a configuration error).
   * @defaultValue `true`
   */
  defaultPatterns?: boolean | { readonly except: readonly string[] };
  /**
   * The replacement for secrets, or `'hash'` for a keyed pseudonym (see {@link Censor}).
   * @defaultValue `'[REDACTED]'`
   */
  censor?: string;
  /** The HMAC key for `censor: 'hash'`, supplied by the host (keep it secret and stable). */
  hashKey?: string | Uint8Array;
  /**
   * Delete redacted keys instead of censoring them; a redacted array element becomes
   * `undefined` (JSON `null`), as in fast-redact. Secrets found inside strings are still
   * replaced by the censor.
   * @defaultValue `false`
   */
  remove?: boolean;
}

/** What to redact and how; everything is optional and validated once, at creation. */
export interface RedactOptions extends Omit<RedactSelection, 'censor'> {
  /** The replacement for secrets (see {@link Censor}). @defaultValue `'[REDACTED]'` */
  censor?: Censor;
  /**
   * Walk the whole value, making the copy JSON-safe: cycles become `'[Circular]'`, Errors,
   * Maps, Sets and `toJSON` are expanded, buffers summarised, BigInts stringified, throwing
   * getters `'[Unserializable]'`. Needed for keys and patterns; with paths only, `false`
   * touches nothing but the paths (the fast-redact model: fastest, not JSON-safe).
   * @defaultValue `true`, or `false` when keys and patterns are both off
   */
  normalize?: boolean;
  /**
   * Objects nested deeper than this become `'[Truncated]'` (only when normalizing).
   * @defaultValue `20`
   */
  maxDepth?: number;
  /**
   * Elements kept per array or Set (only when normalizing); the rest become one
   * `'[… 99,999,990 more items]'` element. A whole number ≥ 1, or `Infinity`.
   * @defaultValue `1000`
   */
  maxArrayLength?: number;
  /**
   * Keys kept per object or Map (only when normalizing); the rest become one
   * `'…': '[… 12 more keys]'` member. A whole number ≥ 1, or `Infinity`.
   * @defaultValue `1000`
   */
  maxKeys?: number;
  /**
   * Characters kept per string (only when normalizing), after its secrets are censored;
   * the rest become `'…[… 1,234 more chars]'`. A whole number ≥ 1, or `Infinity`.
   * @defaultValue `100000`
   */
  maxStringLength?: number;
  /**
   * The work of one call, in characters of output (each value costs 1, a string or key its
   * length; only when normalizing); past it, values become `'[Truncated]'`.
   * A whole number ≥ 1, or `Infinity`.
   * @defaultValue `1000000`
   */
  maxTotalLength?: number;
}

/**
 * A compiled redaction: returns a redacted copy of `value` and never mutates it.
 * Unchanged subtrees of the copy may be shared with the input.
 */
export type Redactor = (value: unknown) => unknown;
