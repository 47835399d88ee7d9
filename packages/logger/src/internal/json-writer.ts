import { DEFAULT_LIMITS, MORE_KEYS, moreItems, moreKeys, TRUNCATED } from '@ballast/redact';
import { entryAfter, type KeyEntry, memberPrefix, pathBelow } from './line-keys.js';
import { quote } from './quote.js';
import type { PathNode, Scrub } from './scrub.js';

/** Objects nested deeper than this are written as `"[Object]"`. */
export const MAX_DEPTH = 16;
const { maxArrayLength: MAX_ITEMS, maxKeys: MAX_KEYS, maxStringLength: MAX_STRING } = DEFAULT_LIMITS;
const TRUNCATED_JSON = `"${TRUNCATED}"`;

/**
 * What is left of the current line's budget (`maxTotalLength` of `@ballast/redact`'s
 * `DEFAULT_LIMITS`, in characters): every member, element and string spends it, and past
 * it the rest of each object or array is one marker. Set by the entry points of
 * `serialize.ts` for each value they write (and restored after, as a `toJSON` may log).
 */
export const budget = { left: 0 };

/** A string as written: censored and cut to the string limit (by the scrub), then quoted. */
function text(raw: string, s: Scrub): string {
  if (raw.length > MAX_STRING) {
    budget.left -= MAX_STRING;
    return quote(s.text(raw)); // the scrub cuts it
  }
  budget.left -= raw.length;
  const scan = s.scan;
  return quote(scan === undefined ? raw : scan(raw));
}

/** The member that stands for the keys of `obj` left out from the `written`-th on. */
function moreMembers(obj: object, written: number): string {
  if (budget.left < 0) return `,${quote(MORE_KEYS)}:${TRUNCATED_JSON}`;
  return `,${quote(MORE_KEYS)}:${quote(moreKeys(Object.keys(obj).length - written))}`;
}
const hasOwn = Object.prototype.hasOwnProperty;
const objectProto = Object.prototype;
const toTag = Object.prototype.toString;

/** The path node below `node` for `key`, if any path goes there. */
export function child(node: PathNode | undefined, key: string): PathNode | undefined {
  if (node === undefined) return undefined;
  return node.named?.get(key) ?? node.other ?? undefined;
}

/**
 * The fast JSON writer of log lines. It throws when a getter, `toJSON` or proxy trap
 * throws: callers go through `fieldsJson`/`valueJson` (serialize.ts), which then take
 * the value apart to mark only what threw.
 *
 * Writes the members of `obj` as `,"key":value` pairs (no braces), censoring by
 * path, by key name and by pattern on the way. Nothing is cloned: secrets are
 * replaced in the output string only. `reserved`: the line keys written next to these
 * members (0 inside a value), which a member of the same name must not repeat. With `open`
 * (a nested object) the first member is written `{"key":value` instead, so the object
 * needs only its closing brace: cutting the comma off afterwards would copy the whole
 * string built so far (V8 flattens it), for every object of every line.
 */
export function members(
  obj: object,
  s: Scrub,
  node: PathNode | undefined,
  depth: number,
  seen: unknown[],
  reserved: number,
  open = false,
): string {
  let out = '';
  let n = 0;
  let entry: KeyEntry | undefined;
  const record = obj as Record<string, unknown>;
  for (const key in record) {
    if (!hasOwn.call(record, key)) continue;
    budget.left -= key.length + 2;
    // A member named MORE_KEYS past the limit is the marker of an earlier pass (a serialized error).
    if ((n === MAX_KEYS && key !== MORE_KEYS) || budget.left < 0) {
      const more = moreMembers(obj, n);
      out += open && out === '' ? `{${more.slice(1)}` : more;
      break;
    }
    n++;
    entry = entryAfter(entry, key, s.key);
    const next = node === undefined ? undefined : pathBelow(entry, node, key);
    if (next?.terminal || entry.secret) {
      if (!s.remove)
        out +=
          (open && out === '' ? entry.first : memberPrefix(entry, reserved)) +
          (s.hashed === undefined ? s.censor : s.hashed(record[key]));
      continue;
    }
    const raw = record[key];
    let v: string | undefined;
    switch (typeof raw) {
      case 'string':
        v = text(raw, s);
        break;
      case 'number':
        v = Number.isFinite(raw) ? String(raw) : 'null';
        break;
      case 'boolean':
        v = raw ? 'true' : 'false';
        break;
      default:
        v =
          Array.isArray(raw) && s.headerPairs(key)
            ? pairedList(raw, s, next, depth + 1, seen)
            : value(raw, s, next, depth + 1, seen);
    }
    if (v !== undefined) out += (open && out === '' ? entry.first : memberPrefix(entry, reserved)) + v;
  }
  return out;
}

function entries(
  map: Map<unknown, unknown>,
  s: Scrub,
  node: PathNode | undefined,
  depth: number,
  seen: unknown[],
) {
  let out = '';
  let n = 0;
  for (const [k, raw] of map) {
    budget.left--;
    if (n === MAX_KEYS || budget.left < 0) {
      const more = budget.left < 0 ? TRUNCATED_JSON : quote(moreKeys(map.size - n));
      out += `,${quote(MORE_KEYS)}:${more}`;
      break;
    }
    n++;
    const key = typeof k === 'string' ? k : String(k);
    const next = child(node, key);
    const entry = s.key(key);
    if (next?.terminal || entry.secret) {
      if (!s.remove) out += entry.member + (s.hashed === undefined ? s.censor : s.hashed(raw));
      continue;
    }
    const v = value(raw, s, next, depth + 1, seen);
    if (v !== undefined) out += entry.member + v;
  }
  return out;
}

function list(
  items: readonly unknown[],
  s: Scrub,
  node: PathNode | undefined,
  depth: number,
  seen: unknown[],
  pairs = false,
) {
  // A sparse array may be 2³²−1 long, and a proxy may claim any length: index, never iterate.
  const length = items.length;
  // One item past the limit that is a marker comes from an earlier pass (a serialized error).
  const count = length === MAX_ITEMS + 1 && isMarker(items[MAX_ITEMS]) ? length : Math.min(length, MAX_ITEMS);
  let out = '';
  let i = 0;
  for (; i < count; i++) {
    budget.left--;
    if (budget.left < 0) break;
    const item = items[i];
    const next = child(node, String(i));
    // In header pairs (`rawHeaders`), the value after a secret header name is a secret.
    const name = pairs && i % 2 === 1 ? items[i - 1] : undefined;
    const secret = next?.terminal || (typeof name === 'string' && s.key(name).secret);
    const v = secret ? censored(s, item) : value(item, s, next, depth + 1, seen);
    out += `${i === 0 ? '' : ','}${v ?? 'null'}`;
  }
  if (i < length) out += `${i === 0 ? '' : ','}${quote(moreItems(length - i))}`;
  return `[${out}]`;
}

/**
 * A list of header names and values in pairs (`rawHeaders`): a value whose name is a secret
 * key (`Authorization`, `Cookie`, `X-Api-Key`) is censored; the rest is written as usual.
 */
function pairedList(
  items: readonly unknown[],
  s: Scrub,
  node: PathNode | undefined,
  depth: number,
  seen: unknown[],
): string {
  if (seen.includes(items) || depth >= MAX_DEPTH) return value(items, s, node, depth, seen) ?? 'null';
  seen.push(items);
  const out = list(items, s, node, depth, seen, true);
  seen.pop();
  return out;
}

function isMarker(item: unknown): boolean {
  return typeof item === 'string' && item.startsWith('[… ') && item.endsWith(' more items]');
}

/** A Set's first items as an array, then a marker for the rest. */
function setItems(set: Set<unknown>): unknown[] {
  const items: unknown[] = [];
  for (const item of set) {
    if (items.length === MAX_ITEMS) {
      items.push(moreItems(set.size - MAX_ITEMS));
      break;
    }
    items.push(item);
  }
  return items;
}

/** `"[Buffer: 1024 bytes]"`: binary data is summarised, never written byte by byte. */
export function binaryJson(v: ArrayBufferView | ArrayBuffer): string {
  const name = (v.constructor as { name?: unknown } | undefined)?.name;
  return `"[${typeof name === 'string' ? name : 'ArrayBuffer'}: ${v.byteLength} bytes]"`;
}

/**
 * Writes any value as JSON: never throws on cycles (`"[Circular]"`), BigInts
 * (as strings), non-finite numbers (`null`), Errors (through `s.error`), Maps and
 * Sets. Returns undefined for values JSON omits (undefined, functions, symbols).
 */
export function value(
  v: unknown,
  s: Scrub,
  node: PathNode | undefined,
  depth: number,
  seen: unknown[],
): string | undefined {
  switch (typeof v) {
    case 'string':
      return text(v, s);
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return `"${v}"`;
    case 'object':
      break;
    default:
      return undefined;
  }
  if (v === null) return 'null';
  if (seen.includes(v)) return '"[Circular]"';
  if (depth >= MAX_DEPTH) return '"[Object]"';
  budget.left--;
  if (budget.left < 0) return TRUNCATED_JSON;
  // A throw below leaves `seen` dirty: the caller that catches it restores the length.
  seen.push(v);
  let out: string | undefined;
  const proto = Object.getPrototypeOf(v);
  if ((proto === objectProto || proto === null) && typeof (v as { toJSON?: unknown }).toJSON !== 'function') {
    const body = members(v, s, node, depth, seen, 0, true);
    out = body === '' ? '{}' : `${body}}`;
  } else if (Array.isArray(v)) {
    out = list(v as unknown[], s, node, depth, seen);
  } else if (v instanceof Error || toTag.call(v) === '[object Error]') {
    out = value(s.error(v as Error), s, node, depth, seen);
  } else if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) {
    out = binaryJson(v);
  } else if (v instanceof Set) {
    out = list(setItems(v), s, node, depth, seen);
  } else if (v instanceof Map) {
    const body = entries(v, s, node, depth, seen);
    out = body === '' ? '{}' : `{${body.slice(1)}}`;
  } else if (typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    out = value((v as { toJSON(): unknown }).toJSON(), s, node, depth, seen);
  } else {
    const body = members(v, s, node, depth, seen, 0, true);
    out = body === '' ? '{}' : `${body}}`;
  }
  seen.pop();
  return out;
}

/** A secret value as written: nothing with `remove`, else the censor or its pseudonym. */
export function censored(s: Scrub, secret: unknown): string | undefined {
  if (s.remove) return undefined;
  return s.hashed === undefined ? s.censor : s.hashed(secret);
}
