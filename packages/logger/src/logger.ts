import { isErrorLike, type LoggerLike } from '@ballast/core';
import { invalidOption } from '@ballast/errors';
import { contextJson } from './context.js';
import type { Core } from './internal/core.js';
import { format } from './internal/format.js';
import {
  MSG_KEY,
  NAME_KEY,
  REPEATED_KEY,
  renameCount,
  reservedKeys,
  TRACE_KEYS,
} from './internal/line-keys.js';
import { optionsObject } from './internal/options.js';
import { quote } from './internal/quote.js';
import { compileRedaction, type RedactOption } from './internal/redaction.js';
import { bindingName, errorMessage, isUnreadable, withoutName } from './internal/safe-read.js';
import type { Scrub } from './internal/scrub.js';
import { fieldsJson, UNREADABLE_FIELDS, valueJson } from './internal/serialize.js';
import { LABELS, LEVELS, type LevelName, levelOption } from './levels.js';
import { traceJson } from './trace.js';

/** Options of {@link Logger.child}. */
export interface ChildOptions {
  /**
   * The child's name: written as `name` on its lines and looked up in the
   * logger's per-module `levels`. A string `name` in the bindings does the same.
   * @defaultValue the parent's name
   */
  name?: string;
  /**
   * The child's own level; it no longer follows the parent's level changes.
   * @defaultValue the module level for `name`, else the parent's level (followed at runtime)
   */
  level?: LevelName;
  /**
   * Serializers by top-level field name, added to (and overriding) the parent's: pino's
   * `serializers`. `{ req: (req) => ({ method: req.method, url: req.url }) }` writes what it
   * returns in place of `req`; `err` also applies to an Error passed as first argument.
   */
  serializers?: Record<string, Serializer>;
  /**
   * Redaction paths (or `{ paths, keys }`: keys censored at any depth) added to the parent's
   * for this child and its children. The parent's redaction always stays: a child cannot
   * unredact, nor change the censor.
   */
  redact?: string[] | { paths: string[]; keys?: string[] };
  /** Prepended to each message of this child (after the parent's prefix): pino's `msgPrefix`. */
  msgPrefix?: string;
}

/**
 * Turns the value of one field into what is written in its place. A serializer that
 * throws leaves `'[Unserializable]'` in place of the value.
 */
// biome-ignore lint/suspicious/noExplicitAny: it receives whatever a call logged under its key, as pino's does
export type Serializer = (value: any) => unknown;

/**
 * A structured logger with pino's call signatures: `info(obj?, msg?, ...args)` or
 * `info(msg, ...args)`; an Error as first argument is written under `err` with
 * its message as `msg`; `%s %d %i %f %j %o %O` are replaced from `args`.
 */
export interface Logger extends LoggerLike {
  /** The current minimum level; assigning it takes effect at once (children follow unless they set their own). */
  level: LevelName;
  /** The name written on each line, if any. */
  readonly name: string | undefined;
  /** True when a line at `level` would be written by at least one sink. */
  isLevelEnabled(level: LevelName): boolean;
  /**
   * A logger whose lines carry `bindings`, serialized (and redacted) once, here. An option
   * given as `undefined` counts as absent (Fastify passes some that way).
   */
  child(bindings: Record<string, unknown>, options?: ChildOptions): Logger;
  /** The fields this logger adds to each line (its and its parents' bindings), as written: redacted. */
  bindings(): Record<string, unknown>;
  /** The serializers in effect, by field name (pino's `logger.serializers`). */
  readonly serializers: Readonly<Record<string, Serializer>>;
  /** Logs nothing: the method of the `silent` level, as pino has it. */
  silent(...args: unknown[]): void;
  /** Writes folded duplicates and waits until every sink has written what it buffered. */
  flush(): Promise<void>;
  /** Flushes and closes every sink; later calls log nothing. Children share the sinks. */
  close(): Promise<void>;
  /**
   * Opt-in: flushes synchronously on `process.exit`, on `SIGTERM` (then lets the
   * signal end the process as usual when nothing else handles it), and logs a
   * fatal `uncaughtException` before Node prints it and exits. Returns the undo function.
   */
  handleExit(): () => void;
  /** Flushes and closes the logger, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

const CHILD_KEYS = ['name', 'level', 'serializers', 'redact', 'msgPrefix'] as const satisfies ReadonlyArray<
  keyof ChildOptions
>;
const NO_OPTIONS: ChildOptions = Object.freeze({});
/** The trace ids, as line keys of a call's own fields and of the fields shared with it. */
const TRACED = reservedKeys(TRACE_KEYS, TRACE_KEYS);

/** Mutable level state, shared by a logger and the children that follow it. */
interface LevelRef {
  level: number;
  threshold: number;
}

function ref(core: Core, level: number): LevelRef {
  return { level, threshold: Math.max(level, core.sinkMin) };
}

/** What a child takes over from its parent beyond the core: serializers, redaction, prefix. */
export interface Lineage {
  /** `undefined` when no serializer is set: the hot path checks that alone. */
  readonly serializers: Readonly<Record<string, Serializer>> | undefined;
  /** The logger's redaction as given to `createLogger` plus the additions of its ancestors. */
  readonly redact: RedactOption | undefined;
  readonly msgPrefix: string;
}

const NO_SERIALIZERS: Readonly<Record<string, Serializer>> = Object.freeze(Object.create(null));

class BallastLogger implements Logger {
  readonly #core: Core;
  #ref: LevelRef;
  readonly #root: boolean;
  readonly #name: string | undefined;
  readonly #bindings: string;
  /** Name, base and bindings: the start of every line. */
  readonly #prefix: string;
  /**
   * Bindings and prefix as written on a line with trace ids, where they differ (bindings or
   * base named `trace_id`…, renamed there).
   */
  readonly #traced: { bindings: string; prefix: string } | undefined;
  /** Serializers, redaction as given and message prefix: shared with the children that add none. */
  readonly #lineage: Lineage;

  constructor(
    core: Core,
    levelRef: LevelRef,
    root: boolean,
    name: string | undefined,
    bindings: string,
    tracedBindings: string | undefined,
    lineage: Lineage,
  ) {
    this.#core = core;
    this.#lineage = lineage;
    this.#ref = levelRef;
    this.#root = root;
    this.#name = name;
    this.#bindings = bindings;
    // A name may hold a secret too (a connection string used as a child's name).
    const named = name === undefined ? '' : `,"name":${quote(core.scrub.text(name))}`;
    this.#prefix = named + core.base + bindings;
    this.#traced =
      tracedBindings === undefined && core.tracedBase === core.base
        ? undefined
        : {
            bindings: tracedBindings ?? bindings,
            prefix: named + core.tracedBase + (tracedBindings ?? bindings),
          };
  }

  get name(): string | undefined {
    return this.#name;
  }

  get level(): LevelName {
    return (LABELS[this.#ref.level] ?? 'silent') as LevelName;
  }

  set level(value: LevelName) {
    const level = levelOption('level', value);
    if (this.#root) {
      this.#ref.level = level;
      this.#ref.threshold = Math.max(level, this.#core.sinkMin);
    } else {
      this.#ref = ref(this.#core, level);
    }
  }

  get serializers(): Readonly<Record<string, Serializer>> {
    return this.#lineage.serializers ?? NO_SERIALIZERS;
  }

  bindings(): Record<string, unknown> {
    return JSON.parse(`{${this.#bindings.slice(1)}}`) as Record<string, unknown>;
  }

  silent(): void {}

  isLevelEnabled(level: LevelName): boolean {
    const value = LEVELS[level];
    return value !== undefined && value !== LEVELS.silent && value >= this.#ref.threshold;
  }

  trace(a?: unknown, b?: unknown, ...rest: unknown[]): void {
    if (this.#ref.threshold > 10) return;
    this.#log(10, a, b, rest);
  }

  debug(a?: unknown, b?: unknown, ...rest: unknown[]): void {
    if (this.#ref.threshold > 20) return;
    this.#log(20, a, b, rest);
  }

  info(a?: unknown, b?: unknown, ...rest: unknown[]): void {
    if (this.#ref.threshold > 30) return;
    this.#log(30, a, b, rest);
  }

  warn(a?: unknown, b?: unknown, ...rest: unknown[]): void {
    if (this.#ref.threshold > 40) return;
    this.#log(40, a, b, rest);
  }

  error(a?: unknown, b?: unknown, ...rest: unknown[]): void {
    if (this.#ref.threshold > 50) return;
    this.#log(50, a, b, rest);
  }

  fatal(a?: unknown, b?: unknown, ...rest: unknown[]): void {
    if (this.#ref.threshold > 60) return;
    this.#log(60, a, b, rest);
    this.#core.flushSync();
  }

  #log(level: number, a: unknown, b: unknown, rest: unknown[]): void {
    const core = this.#core;
    if (core.sample !== undefined && !core.sample(level)) return;
    const s = core.scrub;
    const trace = core.trace ? traceJson() : '';
    let fields = '';
    let msg: string | undefined;
    const lineage = this.#lineage;
    const serializers = lineage.serializers;
    if (serializers !== undefined && typeof a === 'object' && a !== null) {
      if (isErrorLike(a) !== true) a = serialized(a, serializers);
      else if (serializers.err !== undefined) {
        if (b === undefined) b = errorMessage(a as Error);
        a = { err: apply(serializers.err, a) };
      }
    }
    if (typeof a === 'string') {
      msg = b === undefined && rest.length === 0 ? a : format(a, [b, ...rest], 0, core.json);
    } else if (typeof a === 'object' && a !== null) {
      if (isErrorLike(a)) {
        fields = `,"err":${valueJson(a, s, core.errPath)}`;
        msg =
          typeof b === 'string'
            ? format(b, rest, 0, core.json)
            : b === undefined
              ? errorMessage(a as Error)
              : messageOf(b, core.json);
      } else {
        // The line keys this line writes, so that a field named like one is renamed.
        const reserved =
          (this.#name === undefined ? core.lineKeys : core.lineKeys | NAME_KEY) |
          (b === undefined ? 0 : MSG_KEY) |
          (trace === '' ? 0 : TRACED) |
          (level >= core.repeatFrom ? REPEATED_KEY : 0);
        fields = fieldsJson(a, s, s.paths, reserved);
        // A proxy that cannot say what it is, and shows no field either, is still noted.
        if (fields === '' && isUnreadable(a)) fields = UNREADABLE_FIELDS;
        if (typeof b === 'string') msg = format(b, rest, 0, core.json);
        else if (b !== undefined) msg = messageOf(b, core.json);
      }
    } else if (a !== undefined && a !== null) {
      msg = typeof b === 'string' ? format(b, rest, 0, core.json) : String(a);
    } else if (typeof b === 'string') {
      msg = format(b, rest, 0, core.json);
    }
    let body: string;
    if (trace === '') {
      body = this.#prefix;
      if (core.context) body += contextJson(s, core.sharedKeys, false);
    } else {
      body = this.#traced?.prefix ?? this.#prefix;
      if (core.context) body += contextJson(s, core.sharedKeys, true);
      body += trace;
    }
    body += fields;
    if (msg !== undefined)
      body += `,"msg":${quote(s.text(lineage.msgPrefix === '' ? msg : lineage.msgPrefix + msg))}`;
    core.emit(level, body);
  }

  child(bindings: Record<string, unknown>, options: ChildOptions = NO_OPTIONS): Logger {
    if (typeof bindings !== 'object' || bindings === null) {
      throw invalidOption('child.bindings', bindings, 'an object of fields');
    }
    if (options !== NO_OPTIONS) options = childOptions(options);
    let name = options.name;
    let own = bindings;
    const bound = bindingName(bindings);
    if (bound !== undefined) {
      name ??= bound;
      own = withoutName(bindings);
    }
    if (name !== undefined && typeof name !== 'string') throw invalidOption('child.name', name, 'a string');
    let lineage = this.#lineage;
    let core = this.#core;
    // Most children only add bindings: they share the parent's lineage and core, no allocation.
    if (
      options.serializers !== undefined ||
      options.redact !== undefined ||
      options.msgPrefix !== undefined
    ) {
      const added = options.redact === undefined ? undefined : redactAdditions(options.redact);
      const redact = added === undefined ? lineage.redact : withAdditions(lineage.redact, added);
      if (added !== undefined) core = derivedCore(core, compileRedaction(redact));
      const prefix = options.msgPrefix;
      if (prefix !== undefined && typeof prefix !== 'string')
        throw invalidOption('child.msgPrefix', prefix, 'a string');
      lineage = {
        serializers: mergeSerializers(lineage.serializers, options.serializers, 'child.serializers'),
        redact,
        msgPrefix: prefix === undefined ? lineage.msgPrefix : lineage.msgPrefix + prefix,
      };
    }
    let levelRef = this.#ref;
    if (options.level !== undefined) levelRef = ref(core, levelOption('child.level', options.level));
    else if (name !== undefined && core.moduleLevels.has(name))
      levelRef = ref(core, core.moduleLevels.get(name) as number);
    // sharedFieldsJson, inlined (child() is on the hot path of many services): serialized
    // once, twice only when a binding is named like a line key.
    const s = core.scrub;
    const renames = renameCount();
    const traced = fieldsJson(own, s, s.paths, core.sharedReserved | TRACED);
    const json = renameCount() === renames ? traced : fieldsJson(own, s, s.paths, core.sharedReserved);
    const parent = this.#traced?.bindings;
    const tracedBindings =
      json === traced && parent === undefined ? undefined : (parent ?? this.#bindings) + traced;
    return new BallastLogger(
      core,
      levelRef,
      false,
      name ?? this.#name,
      this.#bindings + json,
      tracedBindings,
      lineage,
    );
  }

  flush(): Promise<void> {
    return this.#core.flush();
  }

  close(): Promise<void> {
    return this.#core.close();
  }

  handleExit(): () => void {
    return this.#core.handleExit(this);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.#core.close();
  }
}

/** Builds the root logger over a core (used by createLogger). */
export function rootLogger(core: Core, level: number, name: string | undefined, lineage: Lineage): Logger {
  return new BallastLogger(core, ref(core, level), true, name, '', undefined, lineage);
}

/**
 * Checks child options: a known key, or any key given as `undefined` (Fastify passes
 * `{ logger: undefined, genReqId: undefined, serializers }`), which counts as absent.
 */
function childOptions(options: ChildOptions): ChildOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    return optionsObject('child', options, CHILD_KEYS);
  const given = options as Record<string, unknown>;
  let set: Record<string, unknown> | undefined;
  for (const key of Object.keys(given)) {
    if (given[key] !== undefined || (CHILD_KEYS as readonly string[]).includes(key)) continue;
    set ??= { ...given };
    delete set[key];
  }
  return optionsObject('child', (set ?? given) as ChildOptions, CHILD_KEYS);
}

/**
 * The parent's serializers with `added` on top, checked; `undefined` while there are none,
 * so that a logger without serializers pays one comparison per line.
 * @throws ConfigurationError naming `option` for a value that is not an object of functions.
 */
export function mergeSerializers(
  parent: Readonly<Record<string, Serializer>> | undefined,
  added: unknown,
  option: string,
): Readonly<Record<string, Serializer>> | undefined {
  if (added === undefined) return parent;
  if (typeof added !== 'object' || added === null || Array.isArray(added))
    throw invalidOption(
      option,
      added,
      'an object of functions by field name, e.g. { req: (req) => ({ url: req.url }) }',
    );
  const merged: Record<string, Serializer> = Object.assign(Object.create(null), parent);
  for (const [key, fn] of Object.entries(added)) {
    if (typeof fn !== 'function') throw invalidOption(`${option}.${key}`, fn, 'a function (value) => value');
    merged[key] = fn as Serializer;
  }
  return Object.keys(merged).length === 0 ? parent : Object.freeze(merged);
}

const UNSERIALIZABLE = '[Unserializable]';

function apply(fn: Serializer, value: unknown): unknown {
  try {
    return fn(value);
  } catch {
    return UNSERIALIZABLE;
  }
}

/**
 * `a` with its serialized fields replaced: a shallow copy, made only when one is present. An
 * object that cannot be read (a hostile proxy) is returned as it is, for the line's own
 * guarded walk to report.
 */
function serialized(a: object, serializers: Readonly<Record<string, Serializer>>): object {
  let copy: Record<string, unknown> | undefined;
  try {
    for (const key in serializers) {
      if (!Object.hasOwn(a, key)) continue;
      copy ??= { ...a };
      copy[key] = apply(serializers[key] as Serializer, copy[key]);
    }
  } catch {
    return a;
  }
  return copy ?? a;
}

/** Checks a child's `redact` additions and returns them as paths and keys. */
function redactAdditions(value: unknown): { paths: string[]; keys: string[] } {
  const list = (option: string, v: unknown): string[] => {
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((p) => typeof p !== 'string'))
      throw invalidOption(option, v, "an array of strings, e.g. ['user.email']");
    return v as string[];
  };
  if (Array.isArray(value)) return { paths: list('child.redact', value), keys: [] };
  const given = optionsObject('child.redact', value as { paths?: string[]; keys?: string[] }, [
    'paths',
    'keys',
  ]);
  return { paths: list('child.redact.paths', given.paths), keys: list('child.redact.keys', given.keys) };
}

/** The parent's redaction with a child's paths and keys added; the parent's stays whole. */
function withAdditions(
  parent: RedactOption | undefined,
  added: { paths: string[]; keys: string[] },
): RedactOption {
  if (parent === undefined) return { paths: added.paths, keys: added.keys };
  if (parent === false)
    return { paths: added.paths, keys: added.keys, defaultKeys: false, defaultPatterns: false };
  if (Array.isArray(parent)) return { paths: [...parent, ...added.paths], keys: added.keys };
  if (parent.keys === false) {
    // Key matching was off: only the child's keys are on, not the defaults.
    return added.keys.length === 0
      ? { ...parent, paths: [...(parent.paths ?? []), ...added.paths] }
      : { ...parent, paths: [...(parent.paths ?? []), ...added.paths], keys: added.keys, defaultKeys: false };
  }
  return {
    ...parent,
    paths: [...(parent.paths ?? []), ...added.paths],
    keys: [...(parent.keys ?? []), ...added.keys],
  };
}

/** The parent's core, sharing its sinks and state, with another redaction. */
function derivedCore(core: Core, scrub: Scrub): Core {
  const paths = scrub.paths;
  return {
    ...core,
    scrub,
    errPath: paths === undefined ? undefined : (paths.named?.get('err') ?? paths.other ?? undefined),
    json: (value) => valueJson(value, scrub, undefined),
  };
}

/** A message given as something other than a string (`log.info({ id }, 42)`): kept, as pino does. */
function messageOf(value: unknown, json: (value: unknown) => string): string {
  return typeof value === 'object' && value !== null ? json(value) : String(value);
}
