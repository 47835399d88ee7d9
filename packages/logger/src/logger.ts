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
import { bindingName, errorMessage, isUnreadable, withoutName } from './internal/safe-read.js';
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
}

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
  /** A logger whose lines carry `bindings`, serialized (and redacted) once, here. */
  child(bindings: Record<string, unknown>, options?: ChildOptions): Logger;
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

const CHILD_KEYS = ['name', 'level'] as const satisfies ReadonlyArray<keyof ChildOptions>;
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

  constructor(
    core: Core,
    levelRef: LevelRef,
    root: boolean,
    name: string | undefined,
    bindings: string,
    tracedBindings: string | undefined,
  ) {
    this.#core = core;
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
    if (msg !== undefined) body += `,"msg":${quote(s.text(msg))}`;
    core.emit(level, body);
  }

  child(bindings: Record<string, unknown>, options: ChildOptions = NO_OPTIONS): Logger {
    if (typeof bindings !== 'object' || bindings === null) {
      throw invalidOption('child.bindings', bindings, 'an object of fields');
    }
    if (options !== NO_OPTIONS) optionsObject('child', options, CHILD_KEYS);
    let name = options.name;
    let own = bindings;
    const bound = bindingName(bindings);
    if (bound !== undefined) {
      name ??= bound;
      own = withoutName(bindings);
    }
    if (name !== undefined && typeof name !== 'string') throw invalidOption('child.name', name, 'a string');
    const core = this.#core;
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
export function rootLogger(core: Core, level: number, name: string | undefined): Logger {
  return new BallastLogger(core, ref(core, level), true, name, '', undefined);
}

/** A message given as something other than a string (`log.info({ id }, 42)`): kept, as pino does. */
function messageOf(value: unknown, json: (value: unknown) => string): string {
  return typeof value === 'object' && value !== null ? json(value) : String(value);
}
