import { compileRedaction, DEFAULT_LIMITS, type RedactionPlan } from '@ballast/redact';
import { type BrandedError, hasBrand } from './brand.js';
import type { SerializedError } from './json-safe.js';

/**
 * The fast path of `serializeError`: the common error (a name, a message, the Ballast fields,
 * a few own fields of strings, numbers and small plain objects, a cause chain) written in
 * one pass that reads each field by name, scans each string once and copies only what
 * changes. The full path copies the error with the walk of `@ballast/redact`
 * (`createSafeCopy`), then redacts the copy with a second walk; both walks read every field
 * through a guarded, generic lookup, so an error costs several times what pino's serializer
 * does. This is a hot path (every logged error goes through it), so it is written out by hand.
 *
 * It gives exactly what the full path gives, or gives up: {@link BAIL} as soon as anything
 * is not in the common shape (a Date, Map, class instance, `toJSON`, BigInt or function, a
 * getter or proxy that throws, a cycle, a key holding a secret, `rawHeaders`, a deep or large
 * value near any limit), and the full path serializes the error from the start. A property
 * test holds the two paths equal on arbitrary errors.
 */

/** Gives up the fast path. */
const BAIL: unique symbol = Symbol('bail');
/** A member the full path drops (an `undefined` value). */
const REMOVED: unique symbol = Symbol('removed');

/** Deepest object kept: the full path keeps 9 levels below the error (20 while redacting). */
const MAX_DEPTH = 6;
/** Most keys or items per object or array: the limits (1,000) are far off. */
const MAX_ITEMS = 100;
/** Longest string: longer ones are cut by the full path. */
const MAX_STRING = DEFAULT_LIMITS.maxStringLength;
/** Most characters looked at: well within the budget of either walk (`maxTotalLength`). */
const MAX_SPENT = DEFAULT_LIMITS.maxTotalLength / 4;

const SKIPPED_ERROR_KEYS = new Set(['name', 'message', 'stack', 'cause', 'errors']);
const BALLAST_KEYS = new Set([
  ...SKIPPED_ERROR_KEYS,
  'code',
  'category',
  'status',
  'retryable',
  'userMessage',
  'suggestions',
  'details',
  'docsUrl',
  'retryAfterMs',
]);
/** The keys an error view always may have; checked once against the plan, not per call. */
const VIEW_KEYS = [...BALLAST_KEYS];

const { getPrototypeOf } = Object;
const objectProto = Object.prototype;
const arrayProto = Array.prototype;
const toTag = Object.prototype.toString;
const BRAND = Symbol.for('ballast.error');

let defaultPlan: RedactionPlan | null | undefined;

/**
 * The plan of the default redactor (default keys and patterns, the censor text), or `null`
 * when a key of an error view would be censored by it (then every redacted call takes the
 * full path). Compiled on first use.
 */
function planOfDefaults(): RedactionPlan | null {
  if (defaultPlan === undefined) {
    const plan = compileRedaction();
    const plain = !plan.hashing && !plan.remove && plan.paths === null;
    defaultPlan =
      plain && VIEW_KEYS.every((key) => !plan.isSecretKey(key) && plan.scanText(key) === key) ? plan : null;
  }
  return defaultPlan;
}

/** The state of one call (calls do not nest: a getter that logs finds it busy and bails). */
let busy = false;
let keepStack = true;
let spent = 0;
const ancestors: unknown[] = new Array(MAX_DEPTH + 1).fill(undefined);
let deepest = -1;

/**
 * `serializeError(error, { redact, stack })` for the default depth, or `undefined` when the
 * error is not in the common shape (the caller then takes the full path). `redact` is `true`
 * for the default redaction, `false` for none.
 */
export function fastSerialize(error: Error, redact: boolean, stack: boolean): SerializedError | undefined {
  if (busy) return undefined;
  let chosen: RedactionPlan | undefined;
  if (redact) {
    const defaults = planOfDefaults();
    if (defaults === null) return undefined;
    chosen = defaults;
  }
  busy = true;
  keepStack = stack;
  spent = 0;
  try {
    const out = object(error, 0, '', chosen);
    // Past this, a walk might have run out of its budget (`maxTotalLength`) and cut something.
    return out === BAIL || spent > MAX_SPENT ? undefined : (out as SerializedError);
  } catch {
    return undefined; // a getter or trap threw: the full path marks it
  } finally {
    // Let go of the objects walked (a fixed array, cleared only as deep as it was filled).
    for (let i = 0; i <= deepest; i++) ancestors[i] = undefined;
    deepest = -1;
    busy = false;
  }
}

/** A value as both walks leave it; `p` is the plan, or `undefined` where nothing is scanned. */
function visit(value: unknown, depth: number, key: string | number, p: RedactionPlan | undefined): unknown {
  switch (typeof value) {
    case 'string':
      if (value.length > MAX_STRING) return BAIL;
      spent += value.length + 2;
      return p === undefined ? value : p.scanText(value);
    case 'number':
      spent += 2;
      if (value === 0) return 0; // -0 too, as JSON has no -0
      if (Number.isFinite(value)) return value;
      return p === undefined ? String(value) : p.scanText(String(value));
    case 'boolean':
      spent += 2;
      return value;
    case 'object':
      return value === null ? null : object(value, depth, key, p);
    default:
      return BAIL; // undefined is handled by the caller; BigInts, symbols, functions by the full path
  }
}

function object(value: object, depth: number, key: string | number, p: RedactionPlan | undefined): unknown {
  if (depth > MAX_DEPTH || spent > MAX_SPENT) return BAIL;
  for (let i = 0; i < depth; i++) if (ancestors[i] === value) return BAIL;
  ancestors[depth] = value;
  if (depth > deepest) deepest = depth;
  spent += 2;
  const proto = getPrototypeOf(value);
  if (typeof (value as { toJSON?: unknown }).toJSON !== 'function') {
    if (Array.isArray(value)) {
      // Header pairs (`rawHeaders`) are censored by the name before each value: the full path knows how.
      if (proto !== arrayProto || p?.holdsHeaderPairs(key) === true) return BAIL;
      return array(value, depth, p);
    }
    if (proto === objectProto || proto === null) return members(value as Record<string, unknown>, depth, p);
  }
  if (value instanceof Error || toTag.call(value) === '[object Error]' || (value as never)[BRAND] === true) {
    return errorView(value as Error, depth, p);
  }
  return BAIL;
}

/** What a key is to the walk: left out of an error view, walked, or censored. */
const SKIP = 0;
const WALK = 1;
const CENSOR = 2;

/** A key list seen before, and what each of its keys is ({@link SKIP}, {@link WALK}, {@link CENSOR}). */
interface Shape {
  readonly keys: readonly string[];
  readonly skipped: ReadonlySet<string> | null;
  readonly plan: RedactionPlan | undefined;
  readonly verdicts: Uint8Array;
}

/** Recent shapes: objects of one call site share their key list, so each key is judged once. */
const shapes: (Shape | undefined)[] = [
  undefined,
  undefined,
  undefined,
  undefined,
  undefined,
  undefined,
  undefined,
  undefined,
];
let nextShape = 0;

/**
 * What each of `keys` is (an error's own keys, with `skipped` the keys its view leaves out;
 * a plain object's, with `null`); `undefined` to give up (too many keys, `__proto__`, a key
 * holding a secret itself, which the full path renames). Only the verdict on each key name
 * is remembered, compared by identity with the list of the same length; values are always
 * walked and scanned.
 */
function shapeOf(
  keys: readonly string[],
  skipped: ReadonlySet<string> | null,
  p: RedactionPlan | undefined,
): Uint8Array | undefined {
  const length = keys.length;
  if (length > MAX_ITEMS) return undefined;
  for (let s = 0; s < shapes.length; s++) {
    const shape = shapes[s];
    if (shape === undefined || shape.keys.length !== length || shape.skipped !== skipped || shape.plan !== p)
      continue;
    const known = shape.keys;
    let i = 0;
    while (i < length && keys[i] === known[i]) i++;
    if (i === length) return shape.verdicts;
  }
  const verdicts = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const key = keys[i] as string;
    if (skipped?.has(key)) continue; // SKIP
    if (key === '__proto__' || (p !== undefined && p.scanText(key) !== key)) return undefined;
    verdicts[i] = p?.isSecretKey(key) ? CENSOR : WALK;
  }
  shapes[nextShape] = { keys, skipped, plan: p, verdicts };
  nextShape = (nextShape + 1) % shapes.length;
  return verdicts;
}

/** A member's value as both walks leave it: `'[REDACTED]'` under a secret key (`null` stays). */
function walkMember(
  verdict: number,
  key: string,
  value: unknown,
  depth: number,
  p: RedactionPlan | undefined,
): unknown {
  spent += key.length + 2;
  if (value === undefined) return REMOVED;
  if (verdict === WALK) return visit(value, depth, key, p);
  const walked = visit(value, depth, key, undefined);
  return walked === BAIL || walked === null ? walked : (p as RedactionPlan).censor;
}

function members(obj: Record<string, unknown>, depth: number, p: RedactionPlan | undefined): unknown {
  const keys = Object.keys(obj);
  const verdicts = shapeOf(keys, null, p);
  if (verdicts === undefined) return BAIL;
  let out: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const value = obj[key];
    const next = walkMember(verdicts[i] as number, key, value, depth + 1, p);
    if (next === BAIL) return BAIL;
    if (next === value && !(value === 0 && 1 / value < 0)) continue;
    out ??= { ...obj };
    if (next === REMOVED) delete out[key];
    else out[key] = next;
  }
  return out ?? obj;
}

function array(arr: readonly unknown[], depth: number, p: RedactionPlan | undefined): unknown {
  const length = arr.length;
  if (length > MAX_ITEMS) return BAIL;
  let out: unknown[] | undefined;
  for (let i = 0; i < length; i++) {
    const value = arr[i];
    spent += 1;
    const next = value === undefined ? null : visit(value, depth + 1, i, p);
    if (next === BAIL) return BAIL;
    if (out !== undefined) out.push(next);
    else if (next !== value || (value === 0 && 1 / value < 0)) {
      out = arr.slice(0, i);
      out.push(next);
    }
  }
  return out ?? arr;
}

/** `name`/`message` as the full path reads them: a string, or the fallback for none. */
function text(value: unknown, fallback: string): string | typeof BAIL {
  if (typeof value === 'string') return value;
  return value === undefined || value === null ? fallback : BAIL;
}

/**
 * The value of a view key, walked (no check of the key: `VIEW_KEYS` were checked against the
 * plan once); {@link REMOVED} for `undefined`. The caller stores it by name: a view is built
 * by a few fixed stores, so V8 keeps one shape for it instead of a keyed store per field.
 */
function known(key: string, value: unknown, depth: number, p: RedactionPlan | undefined): unknown {
  spent += key.length + 2;
  return value === undefined ? REMOVED : visit(value, depth, key, p);
}

/** The error's fields as `errorFields` of `json-safe.ts` lists them, walked as both walks walk them. */
function errorView(error: Error, depth: number, p: RedactionPlan | undefined): unknown {
  const name = text(error.name, 'Error');
  const message = text(error.message, '');
  if (name === BAIL || message === BAIL) return BAIL;
  const below = depth + 1;
  const out: Record<string, unknown> = {};
  let v = known('name', name, below, p);
  if (v === BAIL) return BAIL;
  out.name = v;
  v = known('message', message, below, p);
  if (v === BAIL) return BAIL;
  out.message = v;
  const ballast = hasBrand(error);
  if (ballast) {
    const b: BrandedError = error;
    v = known('code', b.code, below, p);
    if (v === BAIL) return BAIL;
    if (v !== REMOVED) out.code = v;
    v = known('category', b.category, below, p);
    if (v === BAIL) return BAIL;
    if (v !== REMOVED) out.category = v;
    v = known('status', b.status, below, p);
    if (v === BAIL) return BAIL;
    if (v !== REMOVED) out.status = v;
    v = known('retryable', b.retryable, below, p);
    if (v === BAIL) return BAIL;
    if (v !== REMOVED) out.retryable = v;
    v = known('userMessage', b.userMessage, below, p);
    if (v === BAIL) return BAIL;
    if (v !== REMOVED) out.userMessage = v;
    const suggestions: unknown = b.suggestions;
    if (suggestions !== undefined && (!Array.isArray(suggestions) || suggestions.length > 0)) {
      v = known('suggestions', suggestions, below, p);
      if (v === BAIL) return BAIL;
      out.suggestions = v;
    }
    const details: unknown = b.details;
    if (details !== undefined && !isEmptyObject(details)) {
      v = known('details', details, below, p);
      if (v === BAIL) return BAIL;
      out.details = v;
    }
    v = known('docsUrl', b.docsUrl, below, p);
    if (v === BAIL) return BAIL;
    if (v !== REMOVED) out.docsUrl = v;
    v = known('retryAfterMs', b.retryAfterMs, below, p);
    if (v === BAIL) return BAIL;
    if (v !== REMOVED) out.retryAfterMs = v;
  }
  const keys = Object.keys(error);
  const verdicts = shapeOf(keys, ballast ? BALLAST_KEYS : SKIPPED_ERROR_KEYS, p);
  if (verdicts === undefined) return BAIL;
  const fields = error as unknown as Record<string, unknown>;
  for (let i = 0; i < keys.length; i++) {
    const verdict = verdicts[i] as number;
    if (verdict === SKIP) continue;
    const key = keys[i] as string;
    const value = fields[key];
    if (value === undefined || typeof value === 'function') continue;
    const next = walkMember(verdict, key, value, below, p);
    if (next === BAIL) return BAIL;
    out[key] = next;
  }
  if (keepStack) {
    const stack = error.stack;
    if (typeof stack === 'string') {
      v = known('stack', stack, below, p);
      if (v === BAIL) return BAIL;
      out.stack = v;
    }
  }
  const errors: unknown = (error as { errors?: unknown }).errors;
  if (Array.isArray(errors)) {
    v = known('errors', errors, below, p);
    if (v === BAIL) return BAIL;
    out.errors = v;
  }
  const cause: unknown = error.cause;
  if (cause !== undefined) {
    v = known('cause', cause, below, p);
    if (v === BAIL) return BAIL;
    out.cause = v;
  }
  return out;
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}
