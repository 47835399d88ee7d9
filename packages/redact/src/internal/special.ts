import { BALLAST_ERROR_BRAND as BALLAST_BRAND } from '@ballast/core/error-base';
import { MORE_KEYS, moreItems, moreKeys, type ValueLimits } from '../limits.js';

/** Stands for a property whose getter threw; becomes `'[Unserializable]'` in the copy. */
export const THREW: unique symbol = Symbol('threw');

/** Shown instead of a value that cannot be read or serialized. */
export const UNSERIALIZABLE = '[Unserializable]';

/** Sets an own enumerable property, including `__proto__`, which assignment would not create. */
export function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/** Reads `source[key]`; {@link THREW} when a getter or proxy trap throws. */
export function read(source: object, key: PropertyKey): unknown {
  try {
    return (source as Record<PropertyKey, unknown>)[key];
  } catch {
    return THREW;
  }
}

/**
 * An Error as a plain object: name, message, stack, own enumerable fields, then `cause`
 * and an AggregateError's `errors` (which `JSON.stringify` would all lose).
 */
export function errorView(error: Error): Record<string, unknown> {
  const view: Record<string, unknown> = { name: read(error, 'name'), message: read(error, 'message') };
  const stack = read(error, 'stack');
  if (stack !== undefined) view.stack = stack;
  let keys: string[];
  try {
    keys = Object.keys(error);
  } catch {
    keys = [];
  }
  for (const key of keys) {
    if (key !== 'name' && key !== 'message' && key !== 'stack') setKey(view, key, read(error, key));
  }
  if (Object.hasOwn(error, 'cause')) view.cause = read(error, 'cause');
  if (error instanceof AggregateError || Object.hasOwn(error, 'errors')) view.errors = read(error, 'errors');
  return view;
}

function keyText(key: unknown): string {
  if (typeof key === 'string') return key;
  try {
    return String(key);
  } catch {
    // Objects without a usable toString (null prototype, throwing toString).
    return Object.prototype.toString.call(key);
  }
}

/** A Map as a plain object keyed by `String(key)`: its first `max` entries, then a marker. */
export function mapView(map: Map<unknown, unknown>, max: number): Record<string, unknown> {
  const view: Record<string, unknown> = {};
  let n = 0;
  for (const [key, value] of map) {
    if (n++ === max) {
      setKey(view, MORE_KEYS, moreKeys(map.size - max));
      break;
    }
    setKey(view, keyText(key), value);
  }
  return view;
}

/** A Set as an array: its first `max` items, then a marker. */
export function setView(set: Set<unknown>, max: number): unknown[] {
  const view: unknown[] = [];
  for (const item of set) {
    if (view.length === max) {
      view.push(moreItems(set.size - max));
      break;
    }
    view.push(item);
  }
  return view;
}

/** A one-line summary of binary data: `'[Buffer: 1024 bytes]'`. */
export function binarySummary(value: ArrayBufferView | ArrayBuffer): string {
  const name = (value.constructor as { name?: string } | undefined)?.name ?? 'ArrayBuffer';
  return `[${name}: ${value.byteLength} bytes]`;
}

/**
 * A special value converted to a plain object or array, which the walk then copies;
 * `bounded` when the conversion already applied the limits (a Map or Set).
 */
export class View {
  constructor(
    readonly value: Record<string, unknown> | unknown[],
    readonly bounded = false,
  ) {}
}

/** Returned by {@link specialView} for a value the copy keeps as it is (a Date). */
export const KEEP: unique symbol = Symbol('keep');
const dateTime = Date.prototype.getTime;
const dateToJSON = Date.prototype.toJSON;
const dateToISO = Date.prototype.toISOString;
const toTag = Object.prototype.toString;

/**
 * Whether `value` is an error: an `Error`, one from another realm (`[object Error]`), or a
 * Ballast error of any installed copy (its brand). Throws for a proxy whose traps throw.
 */
export function isErrorLike(value: object): value is Error {
  return (
    value instanceof Error ||
    toTag.call(value) === '[object Error]' ||
    (value as { [BALLAST_BRAND]?: unknown })[BALLAST_BRAND] === true
  );
}

/** How the walk shows values JSON has no form for; fixed at creation. */
export interface SpecialConfig {
  /** Strict JSON stand-ins: Dates as ISO strings, RegExps as their source. */
  readonly json: boolean;
  /** An error as the plain object the copy shows (its fields still to be walked). */
  readonly describeError: (error: Error) => unknown;
  readonly limits: ValueLimits;
}

/**
 * What a value that is neither a plain object nor an array stands for in the copy:
 * {@link KEEP} (a Date, unless `json`), a {@link View} (an Error, Map or Set), a primitive
 * (a binary summary, an unboxed primitive, a Date's ISO string with `json`), the result of
 * `toJSON` when `callToJSON`, or the value itself (a class instance, walked for its own
 * fields).
 *
 * Throws when a getter, `toJSON` or proxy trap throws: a proxy of a Map, Set, Date or boxed
 * primitive passes `instanceof` but fails once its internal slots are touched, where
 * `JSON.stringify` would fail too. The caller marks such a value `'[Unserializable]'`.
 */
export function specialView(
  value: object,
  key: string | number,
  callToJSON: boolean,
  config: SpecialConfig,
): unknown {
  if (isErrorLike(value)) {
    const view = config.describeError(value);
    return typeof view === 'object' && view !== null ? new View(view as Record<string, unknown>) : view;
  }
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return binarySummary(value);
  if (value instanceof Date && (value as { toJSON?: unknown }).toJSON === dateToJSON) {
    const time = dateTime.call(value);
    if (!config.json) return KEEP;
    return Number.isNaN(time) ? 'Invalid Date' : dateToISO.call(value);
  }
  if (callToJSON) return (value as { toJSON: (key: string) => unknown }).toJSON(String(key));
  if (value instanceof Map) return new View(mapView(value, config.limits.maxKeys), true);
  if (value instanceof Set) return new View(setView(value, config.limits.maxArrayLength), true);
  if (value instanceof String || value instanceof Number || value instanceof Boolean) {
    return value.valueOf();
  }
  if (config.json && value instanceof RegExp) return String(value);
  return value;
}
