import { keyMatches } from '../keys.js';
import { MORE_KEYS, moreItems, moreKeys, TRUNCATED, truncateString } from '../limits.js';
import { type CompiledCensor, hashCensor } from './censor.js';
import { holdsHeaderPairs } from './header-pairs.js';
import { nextState, type PathState } from './path-automaton.js';
import { renameKeys } from './rename-keys.js';
import { detects, type Scanner, scan } from './scanner.js';
import {
  KEEP,
  read,
  type SpecialConfig,
  setKey,
  specialView,
  THREW,
  UNSERIALIZABLE,
  View,
} from './special.js';

/**
 * Everything a walk needs, fixed at creation. The same walk serves `createRedactor` (which
 * censors and keeps what JSON can print as it is) and `createSafeCopy` (nothing to censor,
 * `json`: a strict JSON tree); both are bounded by `maxDepth` and `limits`.
 */
export interface WalkConfig extends SpecialConfig {
  readonly paths: PathState | null;
  readonly keys: ReadonlySet<string> | null;
  readonly scanner: Scanner | null;
  readonly censor: CompiledCensor;
  readonly remove: boolean;
  /** Objects deeper than this (the root is at 0) become `'[Truncated]'`. */
  readonly maxDepth: number;
}

/**
 * Marks a key to drop from the copy (`remove: true`); a removed array element becomes
 * `undefined` (JSON `null`), as in fast-redact, so indices keep their meaning.
 */
const REMOVED: unique symbol = Symbol('removed');
const CIRCULAR = '[Circular]';
const KEY_CACHE_LIMIT = 4096;
/** Characters scanned past the cut of a long string (a PEM private key fits). */
const SCAN_MARGIN = 8192;
const { getPrototypeOf } = Object;
const objectProto = Object.prototype;

/** A plain copy by spreading, V8's fastest clone; `undefined` when a getter throws. */
function spreadCopy(obj: Record<string, unknown>): Record<string, unknown> | undefined {
  try {
    return { ...obj };
  } catch {
    return undefined;
  }
}

/**
 * A copy of the first `count` keys, read again one by one: they did not throw the first
 * time, but a proxy may answer differently on the second read.
 */
function copyKeys(
  obj: Record<string, unknown>,
  keys: readonly string[],
  count: number,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let j = 0; j < count; j++) {
    const value = read(obj, keys[j]!);
    setKey(out, keys[j]!, value === THREW ? UNSERIALIZABLE : value);
  }
  return out;
}

/** The first `count` elements: a slice, or element by element when the array is a proxy that throws. */
function copyElements(arr: readonly unknown[], count: number): unknown[] {
  try {
    return arr.slice(0, count);
  } catch {
    const out: unknown[] = [];
    for (let j = 0; j < count; j++) {
      const value = read(arr, j);
      out.push(value === THREW ? UNSERIALIZABLE : value);
    }
    return out;
  }
}

/** Whether `item` is the marker a walk puts after the items it left out. */
function isMarker(item: unknown): boolean {
  return typeof item === 'string' && item.startsWith('[… ') && item.endsWith(' more items]');
}

/**
 * The full walk (`normalize: true`): copy-on-write over the whole value, so a subtree
 * with nothing to change is returned as-is and shared. One instance per redactor; its
 * scratch arrays are reused across calls (a re-entrant call gets its own instance).
 */
export class Walker {
  busy = false;
  private readonly ancestors: unknown[] = [];
  private readonly path: string[] = [];
  /**
   * Whether each key seen is a secret name (`password`). A key holding a secret itself (a
   * JWT, a URL with a password) is never cached: the cache would keep the secret.
   */
  private readonly keyCache = new Map<string, boolean>();
  /** Only a censor function is told where it is; otherwise the walk keeps no path. */
  private readonly tracksPath: boolean;
  /** Keys are looked up when key names or patterns are on (a key may hold a secret). */
  private readonly checksKeys: boolean;
  // Bound once so pattern replacement allocates no closure per string.
  private readonly replaceSecret = (secret: string): string => this.censorText(secret);
  private currentDepth = 0;
  /** How many keys holding a secret the walk has met; an object that sees it grow censors its keys. */
  private keyMarks = 0;
  /** What is left of the call's budget (`maxTotalLength`): values and keys spend it. */
  private left = 0;
  private readonly maxString: number;
  /** What an `undefined` array element, or a removed one, becomes. */
  private readonly hole: null | undefined;

  constructor(private readonly config: WalkConfig) {
    this.tracksPath = config.censor.kind === 'function';
    this.checksKeys = config.keys !== null || config.scanner !== null;
    this.maxString = config.limits.maxStringLength;
    this.hole = config.json ? null : undefined;
  }

  run(value: unknown): unknown {
    // A lone string (a log message) with a fixed censor needs no bookkeeping: nothing can re-enter.
    if (typeof value === 'string' && this.config.censor.kind === 'string') return this.text(value);
    this.busy = true;
    this.left = this.config.limits.maxTotalLength;
    try {
      const out = this.visit(value, this.config.paths, 0, '');
      return out === REMOVED ? this.hole : out;
    } finally {
      this.ancestors.length = 0;
      this.busy = false;
    }
  }

  /**
   * A string with its secrets censored, cut to `maxStringLength`. Scanned with a margin past
   * the cut, so a secret that starts before it and ends soon after is still found whole.
   */
  private text(value: string): string {
    const scanner = this.config.scanner;
    const max = this.maxString;
    if (value.length <= max) return scanner === null ? value : scan(scanner, value, this.replaceSecret);
    const head = value.slice(0, max + SCAN_MARGIN);
    const scanned = scanner === null ? head : scan(scanner, head, this.replaceSecret);
    return truncateString(scanned, max, Math.max(0, value.length - head.length));
  }

  /** A value JSON has no form for, with `json`: `undefined` is dropped, the others named. */
  private jsonLeaf(value: unknown): unknown {
    switch (typeof value) {
      case 'number':
        if (value === 0) return 0; // -0 would not survive a JSON round trip
        return Number.isFinite(value) ? value : String(value);
      case 'undefined':
        return REMOVED;
      case 'symbol':
        return value.toString();
      case 'function': {
        const name = read(value, 'name');
        return typeof name === 'string' && name !== '' ? `[Function: ${name}]` : '[Function]';
      }
      default:
        return value;
    }
  }

  // Kept tiny so V8 inlines it into the walk; the first sighting of a key goes to learnKey.
  private isSecretKey(key: string): boolean {
    return this.keyCache.get(key) ?? this.learnKey(key);
  }

  private learnKey(key: string): boolean {
    const { keys, scanner } = this.config;
    const secret = keys !== null && keyMatches(keys, key);
    if (scanner !== null && detects(scanner, key)) {
      this.keyMarks++;
      return secret;
    }
    if (this.keyCache.size >= KEY_CACHE_LIMIT) this.keyCache.clear();
    this.keyCache.set(key, secret);
    return secret;
  }

  /** The key with the secrets in it censored; a censor function gets the object's path. */
  private censorKey(key: string, depth: number): string {
    if (this.tracksPath) this.currentDepth = depth;
    return scan(this.config.scanner!, key, this.replaceSecret);
  }

  private censorValue(value: unknown, depth: number): unknown {
    if (this.config.remove) return REMOVED;
    const censor = this.config.censor;
    if (censor.kind === 'string') return censor.text;
    if (censor.kind === 'hash') return hashCensor(censor.key, value);
    return censor.fn(value, this.path.slice(0, depth));
  }

  private censorText(secret: string): string {
    const censor = this.config.censor;
    if (censor.kind === 'string') return censor.text;
    if (censor.kind === 'hash') return hashCensor(censor.key, secret);
    return String(censor.fn(secret, this.path.slice(0, this.currentDepth)));
  }

  private visit(value: unknown, state: PathState | null, depth: number, key: string | number): unknown {
    switch (typeof value) {
      case 'string':
        this.left -= Math.min(value.length, this.maxString) + 1;
        if (this.left < 0) return TRUNCATED;
        if (this.config.scanner === null && value.length <= this.maxString) return value;
        if (this.tracksPath) this.currentDepth = depth;
        return this.text(value);
      case 'object':
        if (value === null) return value;
        this.left--;
        if (this.left < 0) return TRUNCATED;
        return this.visitObject(value, state, depth, key, true);
      case 'bigint':
        return this.config.json ? `${value}n` : value.toString();
      case 'boolean':
        return value;
      default:
        return this.config.json ? this.jsonLeaf(value) : value;
    }
  }

  private visitObject(
    value: object,
    state: PathState | null,
    depth: number,
    key: string | number,
    allowToJSON: boolean,
  ): unknown {
    const ancestors = this.ancestors;
    for (let i = 0; i < depth; i++) if (ancestors[i] === value) return CIRCULAR;
    if (depth > this.config.maxDepth) return TRUNCATED;
    ancestors[depth] = value;
    // A revoked proxy, or one whose traps throw, fails one of these three reads.
    let isArray: boolean;
    let proto: unknown;
    let toJSON: unknown;
    try {
      isArray = Array.isArray(value);
      proto = getPrototypeOf(value);
      toJSON = (value as { toJSON?: unknown }).toJSON;
    } catch {
      return UNSERIALIZABLE;
    }
    if (typeof toJSON !== 'function' || !allowToJSON) {
      if (isArray) return this.walkArray(value as unknown[], state, depth, false, holdsHeaderPairs(key));
      if (proto === objectProto || proto === null) {
        return this.walkObject(value as Record<string, unknown>, state, depth, false);
      }
    }
    return this.visitSpecial(value, state, depth, key, allowToJSON && typeof toJSON === 'function');
  }

  /**
   * Everything but plain objects and arrays. The conversion (an Error or Map to a plain
   * object, `toJSON`, unboxing) runs inside one `try`: a proxy of a Map, Set, Date or
   * boxed primitive passes `instanceof` but throws when its internal slots are touched.
   * The walk of the result runs outside it, so a throwing censor function still surfaces.
   */
  private visitSpecial(
    value: object,
    state: PathState | null,
    depth: number,
    key: string | number,
    callToJSON: boolean,
  ): unknown {
    let view: unknown;
    try {
      view = specialView(value, key, callToJSON, this.config);
    } catch {
      return UNSERIALIZABLE;
    }
    if (view === KEEP) return value;
    if (view === value) {
      return Array.isArray(value)
        ? this.walkArray(value, state, depth, false)
        : this.walkObject(value as Record<string, unknown>, state, depth, false);
    }
    if (view instanceof View) {
      return Array.isArray(view.value)
        ? this.walkArray(view.value, state, depth, view.bounded)
        : this.walkObject(view.value, state, depth, view.bounded);
    }
    if (typeof view !== 'object' || view === null) return this.visit(view, state, depth, key);
    // The result of toJSON: walked as any value, but its own toJSON is not called again.
    return this.visitObject(view, state, depth, key, false);
  }

  private walkObject(
    obj: Record<string, unknown>,
    state: PathState | null,
    depth: number,
    bounded: boolean,
  ): unknown {
    let keys: string[];
    try {
      keys = Object.keys(obj);
    } catch {
      return UNSERIALIZABLE;
    }
    let out: Record<string, unknown> | undefined;
    let partial = false;
    const marks = this.keyMarks;
    const childDepth = depth + 1;
    const checksKeys = this.checksKeys;
    const tracksPath = this.tracksPath;
    const total = keys.length;
    const max = this.config.limits.maxKeys;
    // One key past the limit that is the marker comes from an earlier pass: it is kept.
    const count = bounded || (total === max + 1 && keys[max] === MORE_KEYS) ? total : Math.min(total, max);
    let i = 0;
    for (; i < count; i++) {
      const key = keys[i]!;
      this.left -= key.length + 1;
      if (this.left < 0) break;
      let value: unknown;
      try {
        value = obj[key];
      } catch {
        value = THREW;
      }
      const childState = state === null ? null : nextState(state, key);
      let next: unknown;
      if (value === THREW) {
        if (checksKeys) this.isSecretKey(key);
        next = UNSERIALIZABLE;
      } else if (childState?.terminal || (checksKeys && this.isSecretKey(key))) {
        // Only a key a wildcard matched is data: one a path names is the host's own text.
        if (checksKeys && childState?.terminal && childState === state!.other) this.isSecretKey(key);
        if (tracksPath) this.path[depth] = key;
        next = value === undefined || value === null ? value : this.censorValue(value, childDepth);
      } else {
        if (tracksPath) this.path[depth] = key;
        next = this.visit(value, childState, childDepth, key);
      }
      if (next === value && !(value === 0 && this.config.json && 1 / value < 0)) {
        if (partial) setKey(out!, key, value);
        continue;
      }
      if (out === undefined) {
        // Past the limit, the copy holds only the keys walked.
        const copy = count < total ? undefined : spreadCopy(obj);
        partial = copy === undefined;
        out = copy ?? copyKeys(obj, keys, i);
      }
      if (next === REMOVED) delete out[key];
      else setKey(out, key, next);
    }
    if (i < total) {
      if (out === undefined) out = copyKeys(obj, keys, i);
      else if (!partial) for (let j = i; j < total; j++) delete out[keys[j]!]; // the spread copied them all
      setKey(out, MORE_KEYS, moreKeys(total - i));
    }
    // A key here, or deeper, held a secret (isSecretKey counted it): rare, so checked apart.
    if (this.keyMarks !== marks) {
      // The input's keys are not listed again: a proxy may answer differently the second time.
      return out === undefined
        ? this.censorKeys(obj, keys, depth)
        : this.censorKeys(out, Object.keys(out), depth);
    }
    return out ?? obj;
  }

  /** `obj` with the secrets in its `keys` censored as in strings; `obj` when there are none. */
  private censorKeys(
    obj: Record<string, unknown>,
    keys: readonly string[],
    depth: number,
  ): Record<string, unknown> {
    let renames: Map<string, string> | undefined;
    for (const key of keys) {
      // A cached key holds no secret; the others are scanned again.
      if (this.keyCache.has(key) || !detects(this.config.scanner!, key)) continue;
      const name = this.censorKey(key, depth);
      if (name === key) continue;
      renames ??= new Map();
      renames.set(key, name);
    }
    return renames === undefined ? obj : renameKeys(obj, keys, renames);
  }

  private walkArray(
    arr: readonly unknown[],
    state: PathState | null,
    depth: number,
    bounded: boolean,
    pairs = false,
  ): unknown {
    let length: number;
    try {
      length = arr.length;
    } catch {
      return UNSERIALIZABLE;
    }
    let out: unknown[] | undefined;
    const childDepth = depth + 1;
    const named = state !== null && state.named !== null;
    // A proxy may claim any length, and a sparse array may be 2³²−1 long: only so many are read.
    const max = this.config.limits.maxArrayLength;
    let count = bounded ? length : Math.min(length, max);
    // One item past the limit that is a marker comes from an earlier pass: it is kept.
    if (count === max && length === max + 1 && isMarker(read(arr, max))) count = length;
    let name: unknown;
    let i = 0;
    for (; i < count; i++) {
      if (this.left < 0) break;
      let value: unknown;
      try {
        value = arr[i];
      } catch {
        value = THREW;
      }
      if (i % 2 === 0) name = value;
      const childState = state === null ? null : named ? nextState(state, String(i)) : state.other;
      let next: unknown;
      if (value === THREW) {
        next = UNSERIALIZABLE;
      } else if (
        childState?.terminal ||
        // A header value after a secret header name (rawHeaders: name, value, name, value).
        (pairs && i % 2 === 1 && this.checksKeys && typeof name === 'string' && this.isSecretKey(name))
      ) {
        if (this.tracksPath) this.path[depth] = String(i);
        next = value === undefined || value === null ? value : this.censorValue(value, childDepth);
      } else {
        if (this.tracksPath) this.path[depth] = String(i);
        next = this.visit(value, childState, childDepth, i);
      }
      if (out !== undefined) {
        out.push(next === REMOVED ? this.hole : next);
      } else if (next !== value || (value === 0 && this.config.json && 1 / value < 0)) {
        // -0 becomes 0 (JSON has no -0), which `!==` cannot see. Copy only what was already read: re-reading later elements could hit a throwing getter.
        out = copyElements(arr, i);
        out.push(next === REMOVED ? this.hole : next);
      }
    }
    if (i < length) {
      out ??= copyElements(arr, i);
      out.push(moreItems(length - i));
    }
    return out ?? arr;
  }
}
