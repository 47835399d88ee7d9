import { DEFAULT_LIMITS, type PathState, truncateString } from '@ballast/redact';
import { type KeyEntry, keyEntries } from './line-keys.js';

const MAX_STRING = DEFAULT_LIMITS.maxStringLength;

/**
 * One state of the compiled redaction paths (`@ballast/redact`'s automaton): the value
 * where a state is `terminal` is censored.
 */
export type PathNode = PathState;

/**
 * Everything the serializer needs to keep secrets out of a line, compiled once at
 * logger creation. `text` returns its argument unchanged (the same string) when
 * nothing in it matches, so the common case allocates nothing.
 */
export interface Scrub {
  /**
   * What the writer needs to know about a member key: whether its value is a secret, and
   * `,"key":` as written (secrets in the key itself censored); remembered per key.
   */
  key(key: string): KeyEntry;
  /** True when the array under `key` holds header names and values in pairs (`rawHeaders`). */
  headerPairs(key: string): boolean;
  /** Censors secret-looking substrings (tokens, card numbers, credentials in URLs). */
  text(value: string): string;
  /**
   * `text` for a string within the string limit (which it does not cut), called directly:
   * the writer's common case. `undefined` when no pattern is on: such a string stays as it is.
   */
  readonly scan: ((value: string) => string) | undefined;
  /** Compiled `paths`, or undefined when there are none. */
  readonly paths: PathNode | undefined;
  /** The censor, already quoted as JSON. */
  readonly censor: string;
  /** With `censor: 'hash'`: the keyed pseudonym of a secret value, quoted as JSON. */
  readonly hashed: ((value: unknown) => string) | undefined;
  /** Drop censored keys instead of replacing their value. */
  readonly remove: boolean;
  /** Turns an Error into a plain object (cause chains included). */
  error(err: Error): unknown;
}

/**
 * `scan` for strings of any length: a string longer than `maxStringLength` of
 * `@ballast/redact`'s `DEFAULT_LIMITS` is scanned a little past the cut (a secret that
 * straddles it is still found whole), then cut with a marker (`…[… 1,234 more chars]`).
 */
export function boundedText(scan: (value: string) => string): (value: string) => string {
  return (value) => {
    if (value.length <= MAX_STRING) return scan(value);
    const head = value.slice(0, MAX_STRING + 8192);
    return truncateString(scan(head), MAX_STRING, value.length - head.length);
  };
}

const identity = boundedText((value: string): string => value);

/** A scrub that changes nothing: redaction turned off. */
export function noScrub(error: (err: Error) => unknown): Scrub {
  return {
    key: keyEntries(identity, () => false),
    headerPairs: () => false,
    text: identity,
    scan: undefined,
    paths: undefined,
    censor: '""',
    hashed: undefined,
    remove: false,
    error,
  };
}
