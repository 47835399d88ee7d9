import type { PathState } from '@ballast/redact';
import { quote } from './quote.js';

/**
 * The keys a line writes itself, as bits of a mask. A field named like one whose bit is
 * set would put the key twice on the line, and JSON readers keep the last one (the
 * caller's): {@link memberPrefix} writes it with one more `_` in front instead.
 */
export const LEVEL_KEY = 1;
export const TIME_KEY = 2;
export const NAME_KEY = 4;
export const MSG_KEY = 8;
export const ERR_KEY = 16;
export const REPEATED_KEY = 32;
/** `trace_id`, `span_id` and `trace_flags`, written together. */
export const TRACE_KEYS = 64;

const BITS: Readonly<Record<string, number>> = {
  level: LEVEL_KEY,
  time: TIME_KEY,
  name: NAME_KEY,
  msg: MSG_KEY,
  err: ERR_KEY,
  repeated: REPEATED_KEY,
  trace_id: TRACE_KEYS,
  span_id: TRACE_KEYS,
  trace_flags: TRACE_KEYS,
};

// `_level`, `__level`… are renamed along with `level` (one more `_` each), so a renamed
// key never meets one of the caller's that was written as it is.
const LINE_KEY = /^_*(level|time|name|msg|err|repeated|trace_id|span_id|trace_flags)$/;

/**
 * The `reserved` argument of {@link memberPrefix}: `own` holds the line keys that a key
 * named exactly like one is renamed for, `underscored` those for which `_level`, `__level`…
 * get one more `_`. Fields written on many lines (base, bindings, context) rename whatever
 * the line may write, so a call's own fields must shift the underscored forms just as
 * they do: `{ _name }` of a call and a context's `{ name }` (written `_name`) must not meet.
 */
export function reservedKeys(own: number, underscored: number): number {
  return own | (underscored << 8);
}

/** The bit of the line key `key` is named like (`level`, `_level`, `__level`…), or 0. */
export function lineKeyBit(key: string): number {
  const match = LINE_KEY.exec(key);
  return match === null ? 0 : (BITS[match[1] as string] as number);
}

let renamed = 0;

/**
 * How many keys were renamed so far in this process: a caller that reads it before and
 * after serializing knows whether the output depended on the mask it gave.
 */
export function renameCount(): number {
  return renamed;
}

/**
 * What the writer needs to know about one member key, worked out on its first sighting and
 * remembered: log lines repeat the same few keys, so after the first line a key costs one
 * map lookup and no allocation. Each field is a function of the key alone (and of the
 * logger's redaction): values are never remembered.
 */
export interface KeyEntry {
  /** Whether the key's value is censored wherever it appears (a secret key name). */
  readonly secret: boolean;
  /** `,"key":`, secrets inside the key itself (a token used as a map key) censored. */
  readonly member: string;
  /** `{"key":`: the first member of a nested object. */
  readonly first: string;
  /**
   * Its bit in a `reserved` argument ({@link reservedKeys}) when the key is named like a
   * line key (`level`, `_level`…), else 0.
   */
  readonly test: number;
  /** `,"_key":`, as written when the line itself writes `key` (only set when `test` is). */
  readonly renamed: string;
  /**
   * The key that came after this one in the last object written, and its entry: the objects
   * logged at one call site share their key list, so the writer finds each entry after the
   * first by comparing one string instead of a map lookup (a shape's plan, learnt as it goes).
   */
  nextKey: string | undefined;
  nextEntry: KeyEntry | undefined;
  /**
   * The redaction path state this key was last met under, and the state below it for this
   * key (`undefined` when no path goes on): saves the lookup in the path automaton for keys
   * met again under the same state.
   */
  pathFrom: PathState | undefined;
  pathTo: PathState | undefined;
}

/** The path state below `node` for the key of `entry` (`undefined` when no path goes on). */
export function pathBelow(entry: KeyEntry, node: PathState, key: string): PathState | undefined {
  if (entry.pathFrom === node) return entry.pathTo;
  const next = node.named?.get(key) ?? node.other ?? undefined;
  entry.pathFrom = node;
  entry.pathTo = next;
  return next;
}

/**
 * The entry of `key`, the member after the one of `prev` (`undefined` for a first member):
 * through the link `prev` remembers when it names `key`, else looked up and linked.
 */
export function entryAfter(
  prev: KeyEntry | undefined,
  key: string,
  lookup: (key: string) => KeyEntry,
): KeyEntry {
  if (prev === undefined) return lookup(key);
  if (prev.nextKey === key) return prev.nextEntry as KeyEntry;
  const entry = lookup(key);
  prev.nextKey = key;
  prev.nextEntry = entry;
  return entry;
}

/** Empties a map of entries, unlinking them first, so no entry keeps a forgotten one alive. */
function forget(map: Map<string, KeyEntry>): void {
  for (const entry of map.values()) {
    entry.nextKey = undefined;
    entry.nextEntry = undefined;
  }
  map.clear();
}

/**
 * `,"key":` for a member whose line writes the line keys in `reserved` ({@link reservedKeys}; 0
 * below the top level of a line): a key named like one of them is written with one more `_`
 * in front (`level` → `_level`).
 */
export function memberPrefix(entry: KeyEntry, reserved: number): string {
  if ((entry.test & reserved) === 0) return entry.member;
  renamed++;
  return entry.renamed;
}

/**
 * Makes the remembered {@link KeyEntry} of each key. `text` censors secrets inside the key
 * itself, `isSecretKey` says whether its value is a secret; each runs once per key.
 */
export function keyEntries(
  text: (key: string) => string,
  isSecretKey: (key: string) => boolean,
): (key: string) => KeyEntry {
  const entries = new Map<string, KeyEntry>();
  // Keys named like a line key have their own, smaller map: `_…_level` has no length limit.
  const lineKeys = new Map<string, KeyEntry>();
  const learn = (key: string): KeyEntry => {
    const known = lineKeys.get(key);
    if (known !== undefined) return known;
    const quoted = quote(text(key));
    const bit = lineKeyBit(key);
    const entry: KeyEntry = {
      secret: isSecretKey(key),
      member: `,${quoted}:`,
      first: `{${quoted}:`,
      test: bit === 0 ? 0 : key.startsWith('_') ? bit << 8 : bit,
      renamed: bit === 0 ? '' : `,${quote(text(`_${key}`))}:`,
      nextKey: undefined,
      nextEntry: undefined,
      pathFrom: undefined,
      pathTo: undefined,
    };
    const map = bit === 0 ? entries : lineKeys;
    if (map.size >= (bit === 0 ? 10_000 : 1_000)) forget(map);
    map.set(key, entry);
    return entry;
  };
  return (key) => entries.get(key) ?? learn(key);
}
