import { createSafeCopy, DEFAULT_LIMITS, type SafeCopy } from '@ballast/redact';
import { binaryJson, budget, MAX_DEPTH, members, value } from './json-writer.js';
import { renameCount, reservedKeys, TRACE_KEYS } from './line-keys.js';
import type { PathNode, Scrub } from './scrub.js';

/** What a value that cannot be read or serialized is written as. */
const UNSERIALIZABLE = '"[Unserializable]"';

/** The members written for an object whose keys cannot even be listed (a revoked proxy). */
export const UNREADABLE_FIELDS = `,"serialize_error":${UNSERIALIZABLE}`;

/**
 * The slow path, taken only once the fast writer has thrown somewhere inside a value (a
 * getter, `toJSON` or proxy trap): the one walk of `@ballast/redact` copies the value,
 * marking only what threw `'[Unserializable]'`, and the writer writes the copy. Values
 * JSON prints itself stay as they are, so a line reads the same on either path; errors
 * take the shape the logger gives them (`scrub.error`). One copier per scrub.
 */
const copiers = new WeakMap<Scrub, SafeCopy>();

function safeCopy(v: unknown, s: Scrub): unknown {
  let copy = copiers.get(s);
  if (copy === undefined) {
    copy = createSafeCopy({ maxDepth: MAX_DEPTH, strict: false, describeError: (error) => s.error(error) });
    copiers.set(s, copy);
  }
  return copy(v);
}

/**
 * Serializes an object as `,"k":v` members for a log line, within the limits of
 * `@ballast/redact`'s `DEFAULT_LIMITS` (binary data as `"value":"[Buffer: 1024 bytes]"`).
 * When a getter, `toJSON` or proxy throws, the value is copied safely first, so only what
 * threw is written as `"[Unserializable]"`; an object whose keys cannot be listed gives
 * {@link UNREADABLE_FIELDS}. `reserved` holds the line keys (`line-keys.ts`) the line
 * writes itself: a member named like one gets one more `_` in front.
 */
export function fieldsJson(obj: object, s: Scrub, node: PathNode | undefined, reserved: number): string {
  const saved = budget.left;
  budget.left = DEFAULT_LIMITS.maxTotalLength;
  try {
    if (ArrayBuffer.isView(obj) || obj instanceof ArrayBuffer) return `,"value":${binaryJson(obj)}`;
    return members(obj, s, node, 0, [obj], reserved);
  } catch {
    budget.left = DEFAULT_LIMITS.maxTotalLength;
    const copy = safeCopy(obj, s);
    if (typeof copy !== 'object' || copy === null) return UNREADABLE_FIELDS;
    try {
      return members(copy, s, node, 0, [copy], reserved);
    } catch {
      return UNREADABLE_FIELDS; // a proxy that answered the copy, then threw
    }
  } finally {
    budget.left = saved;
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
 * Serializes one value (an error, a printf argument, an audit event) within the limits;
 * never throws: what cannot be serialized is written as `"[Unserializable]"`.
 */
export function valueJson(v: unknown, s: Scrub, node: PathNode | undefined): string {
  const saved = budget.left;
  budget.left = DEFAULT_LIMITS.maxTotalLength;
  try {
    return value(v, s, node, 0, []) ?? 'null';
  } catch {
    budget.left = DEFAULT_LIMITS.maxTotalLength;
    try {
      return value(safeCopy(v, s), s, node, 0, []) ?? 'null';
    } catch {
      return UNSERIALIZABLE;
    }
  } finally {
    budget.left = saved;
  }
}
