import { censored, child, MAX_DEPTH, members, value } from './json-writer.js';
import { renameCount, reservedKeys, TRACE_KEYS } from './line-keys.js';
import type { PathNode, Scrub } from './scrub.js';

const toTag = Object.prototype.toString;

/** What a value that cannot be read or serialized is written as. */
const UNSERIALIZABLE = '"[Unserializable]"';

/** The members written for an object whose keys cannot even be listed (a revoked proxy). */
export const UNREADABLE_FIELDS = `,"serialize_error":${UNSERIALIZABLE}`;

/**
 * Serializes an object as `,"k":v` members for a log line. When a getter, `toJSON` or
 * proxy throws, it starts again member by member, so only what threw is written as
 * `"[Unserializable]"`; an object whose keys cannot be listed gives {@link UNREADABLE_FIELDS}.
 * `reserved` holds the line keys (`line-keys.ts`) the line writes itself: a member named
 * like one gets one more `_` in front.
 */
export function fieldsJson(obj: object, s: Scrub, node: PathNode | undefined, reserved: number): string {
  try {
    return members(obj, s, node, 0, [obj], reserved);
  } catch {
    return safeMembers(obj, s, node, 0, [obj], reserved) ?? UNREADABLE_FIELDS;
  }
}

/** Fields written on many lines (base, bindings, context), as on a line without and with trace ids. */
export interface SharedFields {
  plain: string;
  traced: string;
}

/**
 * {@link fieldsJson} of fields serialized once for many lines, renaming those named like
 * any of the line keys `keys` (bits of `line-keys.ts`): both variants, the same string
 * (serialized once) unless a member is named like a line key.
 */
export function sharedFieldsJson(obj: object, s: Scrub, keys: number): SharedFields {
  const before = renameCount();
  const traced = fieldsJson(obj, s, s.paths, reservedKeys(keys | TRACE_KEYS, keys | TRACE_KEYS));
  const plain = renameCount() === before ? traced : fieldsJson(obj, s, s.paths, reservedKeys(keys, keys));
  return { plain, traced };
}

/**
 * Serializes one value (an error, a printf argument, an audit event); never throws: what
 * cannot be serialized is written as `"[Unserializable]"`, member by member.
 */
export function valueJson(v: unknown, s: Scrub, node: PathNode | undefined): string {
  return safeValue(v, s, node, 0, []) ?? 'null';
}

// The slow path, taken only once the fast serializer has thrown somewhere inside a value:
// each value is tried whole first, and only one that throws is taken apart.

function safeValue(
  v: unknown,
  s: Scrub,
  node: PathNode | undefined,
  depth: number,
  seen: unknown[],
): string | undefined {
  const mark = seen.length;
  try {
    return value(v, s, node, depth, seen);
  } catch {
    seen.length = mark;
  }
  // Only objects throw: a getter, toJSON or proxy trap somewhere inside this one.
  if (typeof v !== 'object' || v === null || depth >= MAX_DEPTH) return UNSERIALIZABLE;
  seen.push(v);
  let out: string | undefined;
  try {
    out = safeObject(v, s, node, depth, seen);
  } catch {
    out = UNSERIALIZABLE;
  }
  seen.length = mark;
  return out;
}

/** `value` for an object, each member, element or entry serialized on its own. */
function safeObject(
  v: object,
  s: Scrub,
  node: PathNode | undefined,
  depth: number,
  seen: unknown[],
): string | undefined {
  if (Array.isArray(v)) {
    let out = '';
    for (let i = 0; i < v.length; i++) {
      const next = child(node, String(i));
      const item = next?.end ? safeCensored(s, v, i) : safeRead(v, i, s, next, depth, seen);
      out += `${i === 0 ? '' : ','}${item ?? 'null'}`;
    }
    return `[${out}]`;
  }
  if (v instanceof Error || toTag.call(v) === '[object Error]') {
    return safeValue(s.error(v as Error), s, node, depth, seen);
  }
  if (v instanceof Map) {
    let out = '';
    for (const [k, raw] of v) {
      const key = typeof k === 'string' ? k : String(k);
      const next = child(node, key);
      if (next?.end || s.isSecretKey(key)) {
        if (!s.remove) out += s.member(key, 0) + (censored(s, raw) as string);
        continue;
      }
      const item = safeValue(raw, s, next, depth + 1, seen);
      if (item !== undefined) out += s.member(key, 0) + item;
    }
    return out === '' ? '{}' : `{${out.slice(1)}}`;
  }
  if (v instanceof Set) return safeValue(Array.from(v), s, node, depth, seen);
  const toJSON = (v as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return safeValue(toJSON.call(v), s, node, depth, seen);
  const body = safeMembers(v, s, node, depth, seen, 0);
  if (body === undefined) return UNSERIALIZABLE;
  return body === '' ? '{}' : `{${body.slice(1)}}`;
}

/** `members`, each read and serialized on its own; `undefined` when the keys cannot be listed. */
function safeMembers(
  obj: object,
  s: Scrub,
  node: PathNode | undefined,
  depth: number,
  seen: unknown[],
  reserved: number,
): string | undefined {
  let keys: string[];
  try {
    // The prototype too: `members` walks it (for…in), and a proxy may throw there.
    Object.getPrototypeOf(obj);
    keys = Object.keys(obj);
  } catch {
    return undefined;
  }
  let out = '';
  for (const key of keys) {
    const next = child(node, key);
    if (next?.end || s.isSecretKey(key)) {
      if (!s.remove) out += s.member(key, reserved) + (safeCensored(s, obj, key) as string);
      continue;
    }
    const v = safeRead(obj, key, s, next, depth, seen);
    if (v !== undefined) out += s.member(key, reserved) + v;
  }
  return out;
}

function safeRead(
  obj: object,
  key: string | number,
  s: Scrub,
  node: PathNode | undefined,
  depth: number,
  seen: unknown[],
): string | undefined {
  let raw: unknown;
  try {
    raw = (obj as Record<string | number, unknown>)[key];
  } catch {
    return UNSERIALIZABLE;
  }
  return safeValue(raw, s, node, depth + 1, seen);
}

/** {@link censored} for `holder[key]`, a getter that throws hashed as `[Unserializable]`. */
function safeCensored(s: Scrub, holder: object, key: string | number): string | undefined {
  if (s.hashed === undefined) return censored(s, undefined);
  let secret: unknown;
  try {
    secret = (holder as Record<string | number, unknown>)[key];
  } catch {
    secret = '[Unserializable]';
  }
  return censored(s, secret);
}
