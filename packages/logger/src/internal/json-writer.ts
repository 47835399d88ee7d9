import { quote } from './quote.js';
import type { PathNode, Scrub } from './scrub.js';

/** Objects nested deeper than this are written as `"[Object]"`. */
export const MAX_DEPTH = 16;
const hasOwn = Object.prototype.hasOwnProperty;
const objectProto = Object.prototype;
const toTag = Object.prototype.toString;

/** The path node below `node` for `key`, if any path goes there. */
export function child(node: PathNode | undefined, key: string): PathNode | undefined {
  if (node === undefined) return undefined;
  return node.children?.get(key) ?? node.any;
}

/**
 * The fast JSON writer of log lines. It throws when a getter, `toJSON` or proxy trap
 * throws: callers go through `fieldsJson`/`valueJson` (serialize.ts), which then take
 * the value apart to mark only what threw.
 *
 * Writes the members of `obj` as `,"key":value` pairs (no braces), censoring by
 * path, by key name and by pattern on the way. Nothing is cloned: secrets are
 * replaced in the output string only. `reserved`: the line keys written next to these
 * members (0 inside a value), which a member of the same name must not repeat.
 */
export function members(
  obj: object,
  s: Scrub,
  node: PathNode | undefined,
  depth: number,
  seen: unknown[],
  reserved: number,
): string {
  let out = '';
  const record = obj as Record<string, unknown>;
  for (const key in record) {
    if (!hasOwn.call(record, key)) continue;
    const next = node === undefined ? undefined : (node.children?.get(key) ?? node.any);
    if (next?.end || s.isSecretKey(key)) {
      if (!s.remove)
        out += s.member(key, reserved) + (s.hashed === undefined ? s.censor : s.hashed(record[key]));
      continue;
    }
    const raw = record[key];
    let v: string | undefined;
    switch (typeof raw) {
      case 'string':
        v = quote(s.text(raw));
        break;
      case 'number':
        v = Number.isFinite(raw) ? String(raw) : 'null';
        break;
      case 'boolean':
        v = raw ? 'true' : 'false';
        break;
      default:
        v = value(raw, s, next, depth + 1, seen);
    }
    if (v !== undefined) out += s.member(key, reserved) + v;
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
  for (const [k, raw] of map) {
    const key = typeof k === 'string' ? k : String(k);
    const next = child(node, key);
    if (next?.end || s.isSecretKey(key)) {
      if (!s.remove) out += s.member(key, 0) + (s.hashed === undefined ? s.censor : s.hashed(raw));
      continue;
    }
    const v = value(raw, s, next, depth + 1, seen);
    if (v !== undefined) out += s.member(key, 0) + v;
  }
  return out;
}

function list(
  items: Iterable<unknown>,
  s: Scrub,
  node: PathNode | undefined,
  depth: number,
  seen: unknown[],
) {
  let out = '';
  let i = 0;
  for (const item of items) {
    const next = child(node, String(i));
    const v = next?.end ? censored(s, item) : value(item, s, next, depth + 1, seen);
    out += `${i === 0 ? '' : ','}${v ?? 'null'}`;
    i++;
  }
  return `[${out}]`;
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
      return quote(s.text(v));
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
  // A throw below leaves `seen` dirty: the caller that catches it restores the length.
  seen.push(v);
  let out: string | undefined;
  const proto = Object.getPrototypeOf(v);
  if ((proto === objectProto || proto === null) && typeof (v as { toJSON?: unknown }).toJSON !== 'function') {
    const body = members(v, s, node, depth, seen, 0);
    out = body === '' ? '{}' : `{${body.slice(1)}}`;
  } else if (Array.isArray(v)) {
    out = list(v, s, node, depth, seen);
  } else if (v instanceof Error || toTag.call(v) === '[object Error]') {
    out = value(s.error(v as Error), s, node, depth, seen);
  } else if (ArrayBuffer.isView(v)) {
    out = `"[${v.constructor.name}(${v.byteLength} bytes)]"`;
  } else if (v instanceof Set) {
    out = list(v, s, node, depth, seen);
  } else if (v instanceof Map) {
    const body = entries(v, s, node, depth, seen);
    out = body === '' ? '{}' : `{${body.slice(1)}}`;
  } else if (typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    out = value((v as { toJSON(): unknown }).toJSON(), s, node, depth, seen);
  } else {
    const body = members(v, s, node, depth, seen, 0);
    out = body === '' ? '{}' : `{${body.slice(1)}}`;
  }
  seen.pop();
  return out;
}

/** A secret value as written: nothing with `remove`, else the censor or its pseudonym. */
export function censored(s: Scrub, secret: unknown): string | undefined {
  if (s.remove) return undefined;
  return s.hashed === undefined ? s.censor : s.hashed(secret);
}
