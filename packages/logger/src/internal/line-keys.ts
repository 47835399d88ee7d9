import { quote } from './quote.js';

/**
 * The keys a line writes itself, as bits of a mask. A field named like one whose bit is
 * set would put the key twice on the line, and JSON readers keep the last one (the
 * caller's): {@link memberPrefixes} writes it with one more `_` in front instead.
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
 * The `reserved` argument of {@link memberPrefixes}: `own` holds the line keys that a key
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

/** A key named like a line key: its prefix as written, and as renamed. */
interface LineKeyPrefix {
  /** Its bit in a `reserved` argument ({@link reservedKeys}). */
  test: number;
  plain: string;
  renamed: string;
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
 * Makes a remembered `,"key":` writer: log lines repeat the same few keys, so after the
 * first line a key costs one map lookup and no allocation. `text` censors secrets inside
 * the key itself (a token used as a map key), once per key. `reserved` ({@link reservedKeys})
 * holds the line keys written at this level (0 below the top level of a line): a key named
 * like one of them is written with one more `_` in front (`level` → `_level`).
 */
export function memberPrefixes(text: (key: string) => string): (key: string, reserved: number) => string {
  const prefixes = new Map<string, string>();
  // Keys named like a line key stay out of `prefixes`: the common key costs what it did
  // before line keys existed, one lookup, and only these take the second one.
  const lineKeys = new Map<string, LineKeyPrefix>();
  const prefixOf = (key: string): string => `,${quote(text(key))}:`;
  const lineKey = (key: string, reserved: number): string => {
    let known = lineKeys.get(key);
    if (known === undefined) {
      const bit = lineKeyBit(key);
      if (bit === 0) {
        const prefix = prefixOf(key);
        if (prefixes.size >= 10_000) prefixes.clear();
        prefixes.set(key, prefix);
        return prefix;
      }
      const test = key.startsWith('_') ? bit << 8 : bit;
      known = { test, plain: prefixOf(key), renamed: prefixOf(`_${key}`) };
      if (lineKeys.size >= 1_000) lineKeys.clear(); // `_…_level` has no length limit
      lineKeys.set(key, known);
    }
    if ((known.test & reserved) === 0) return known.plain;
    renamed++;
    return known.renamed;
  };
  return (key, reserved) => prefixes.get(key) ?? lineKey(key, reserved);
}
