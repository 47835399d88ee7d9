/**
 * How much of a value one call may look at. Values that enter a log line, a redacted copy
 * or a serialized error come from anywhere (a sparse array of length 2³²−1, a proxy that
 * claims a billion elements, a 10 MB Buffer): each limit bounds the work of one call, and
 * what is left out is replaced by a visible marker, never dropped silently.
 */
export interface ValueLimits {
  /** Elements kept per array (or Set); the rest become one `'[… 99,999,990 more items]'` element. */
  readonly maxArrayLength: number;
  /** Keys kept per object (or Map); the rest become one `'…': '[… 12 more keys]'` member. */
  readonly maxKeys: number;
  /** Characters kept per string; the rest become `'…[… 1,234 more chars]'` at its end. */
  readonly maxStringLength: number;
  /**
   * The budget of one call, in characters of output (roughly: each value costs 1, a string
   * or key its length); once spent, what follows is `'[Truncated]'`.
   */
  readonly maxTotalLength: number;
}

/**
 * The limits used unless an option says otherwise: 1,000 array items, 1,000 keys per
 * object, 100,000 characters per string and about 1,000,000 characters per call.
 */
export const DEFAULT_LIMITS: ValueLimits = Object.freeze({
  maxArrayLength: 1000,
  maxKeys: 1000,
  maxStringLength: 100_000,
  maxTotalLength: 1_000_000,
});

/** The key of the member that stands for the keys left out of an object. */
export const MORE_KEYS = '…';

/** Replaces a subtree deeper than the depth limit, or past the call's budget. */
export const TRUNCATED = '[Truncated]';

function count(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** The element standing for `n` array items left out: `'[… 99,999,990 more items]'`. */
export function moreItems(n: number): string {
  return `[… ${count(n)} more item${n === 1 ? '' : 's'}]`;
}

/** The value standing for `n` object keys left out: `'[… 12 more keys]'`. */
export function moreKeys(n: number): string {
  return `[… ${count(n)} more key${n === 1 ? '' : 's'}]`;
}

/**
 * `text` cut to `max` characters (never inside a surrogate pair), followed by
 * `'…[… 1,234 more chars]'`; `text` itself when it fits. `more` counts characters already
 * cut off after `text` (when only its start was read).
 */
export function truncateString(text: string, max: number, more = 0): string {
  if (text.length <= max && more === 0) return text;
  let end = Math.min(max, text.length);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…[… ${count(text.length - end + more)} more chars]`;
}
