import { DEFAULT_CENSOR } from '../censor.js';
import { DEFAULT_KEYS, normalizeKey } from '../keys.js';
import { DEFAULT_PATTERNS } from '../patterns.js';
import { HASH_KEY_EXPECTED, isHashKey } from '../pseudonym.js';
import type { RedactOptions, RedactPattern } from '../types.js';
import { assignmentPattern } from './assignment.js';
import { type CompiledCensor, HASH_UNAVAILABLE, nodeHmac } from './censor.js';
import { invalidOption, rejectUnknownKeys } from './configuration-error.js';
import { compilePaths, type PathState } from './path-automaton.js';
import { compileScanner, type Scanner } from './scanner.js';

/** The options every redaction takes: what to redact and how to censor it. */
export const SELECTION_KEYS = [
  'paths',
  'keys',
  'defaultKeys',
  'patterns',
  'defaultPatterns',
  'censor',
  'hashKey',
  'remove',
] as const satisfies ReadonlyArray<keyof RedactOptions>;

const HINTS = {
  defaults:
    'to turn the defaults off use defaultKeys: false (key names) and/or defaultPatterns: false (value patterns)',
};

/** What to redact, compiled once: shared by `createRedactor` and `compileRedaction`. */
export interface CompiledSelection {
  readonly paths: PathState | null;
  /** Secret key names in `normalizeKey` form; `null` when key matching is off. */
  readonly keys: ReadonlySet<string> | null;
  readonly scanner: Scanner | null;
  readonly censor: CompiledCensor;
  readonly remove: boolean;
}

/** How the caller names its options in errors, and which it accepts. */
export interface SelectionContext {
  /** The name in `Unknown option <owner>.x` (`createRedactor`, or the host's option: `redact`). */
  readonly owner: string;
  /** Put before each option name in errors: `''`, or `'redact.'`. */
  readonly at: string;
  /** Every option key the caller accepts. */
  readonly valid: readonly string[];
  /** Whether `censor` may be a function (a writer that knows no path cannot call one). */
  readonly functions: boolean;
}

export function booleanOption(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw invalidOption(name, value, 'true or false');
  return value;
}

function compileKeys(options: RedactOptions, at: string): Set<string> | null {
  const { keys = [] } = options;
  if (keys === false) return null;
  if (!Array.isArray(keys)) throw invalidOption(`${at}keys`, keys, 'an array of key names, or false');
  const set = new Set<string>();
  if (booleanOption(`${at}defaultKeys`, options.defaultKeys, true)) {
    for (const key of DEFAULT_KEYS) set.add(normalizeKey(key));
  }
  keys.forEach((key: unknown, i) => {
    if (typeof key !== 'string' || normalizeKey(key) === '') {
      throw invalidOption(`${at}keys[${i}]`, key, 'a non-empty key name');
    }
    set.add(normalizeKey(key));
  });
  return set.size > 0 ? set : null;
}

function isPattern(value: unknown): value is RedactPattern | RegExp {
  if (value instanceof RegExp) return true;
  if (typeof value !== 'object' || value === null) return false;
  const { name, regex, group, validate, hint, minLength, prefixes, triggers, triggerCount } =
    value as Partial<RedactPattern>;
  return (
    typeof name === 'string' &&
    regex instanceof RegExp &&
    (group === undefined || (Number.isInteger(group) && group >= 0)) &&
    (validate === undefined || typeof validate === 'function') &&
    (hint === undefined || typeof hint === 'string') &&
    (minLength === undefined || (Number.isInteger(minLength) && minLength >= 0)) &&
    (prefixes === undefined || (Array.isArray(prefixes) && prefixes.every((p) => typeof p === 'string'))) &&
    (triggers === undefined || typeof triggers === 'string') &&
    (triggerCount === undefined || (Number.isInteger(triggerCount) && triggerCount >= 1))
  );
}

/** How many capture groups `regex` has: an empty alternative always matches, with every group unset. */
function captureGroups(regex: RegExp): number {
  return new RegExp(`${regex.source}|`, regex.flags.replace(/[gy]/g, '')).exec('')!.length - 1;
}

const DEFAULT_PATTERN_NAMES = new Set(DEFAULT_PATTERNS.map((pattern) => pattern.name));

/** The default patterns left out: none for `true`, `null` (all) for `false`. */
function defaultPatternsExcept(value: unknown, at: string): ReadonlySet<string> | null {
  if (value === undefined || value === true) return new Set();
  if (value === false) return null;
  const except = (value as { except?: unknown } | null)?.except;
  if (typeof value !== 'object' || !Array.isArray(except)) {
    throw invalidOption(
      `${at}defaultPatterns`,
      value,
      'true, false, or { except: [names of default patterns] }',
    );
  }
  except.forEach((name: unknown, i) => {
    if (typeof name !== 'string' || !DEFAULT_PATTERN_NAMES.has(name)) {
      throw invalidOption(
        `${at}defaultPatterns.except[${i}]`,
        name,
        `the name of a default pattern (${[...DEFAULT_PATTERN_NAMES].join(', ')})`,
      );
    }
  });
  return new Set(except as string[]);
}

function compilePatterns(options: RedactOptions, at: string) {
  const { patterns = [] } = options;
  if (patterns === false) return null;
  if (!Array.isArray(patterns))
    throw invalidOption(`${at}patterns`, patterns, 'an array of patterns, or false');
  const all: (RedactPattern | RegExp)[] = [];
  const except = defaultPatternsExcept(options.defaultPatterns, at);
  if (except !== null) {
    // The key-assignment detector covers the default keys and the host's own (keys is checked by now).
    const keys = Array.isArray(options.keys) ? options.keys : [];
    for (const pattern of DEFAULT_PATTERNS) {
      if (except.has(pattern.name)) continue;
      all.push(
        pattern.name === 'key-assignment' && keys.length > 0
          ? assignmentPattern([...DEFAULT_KEYS, ...keys])
          : pattern,
      );
    }
  }
  patterns.forEach((pattern: unknown, i) => {
    if (!isPattern(pattern)) {
      throw invalidOption(
        `${at}patterns[${i}]`,
        pattern,
        'a RegExp or { name, regex, group?, validate?, hint?, minLength?, prefixes?, triggers?, triggerCount? }',
      );
    }
    const group = pattern instanceof RegExp ? 0 : (pattern.group ?? 0);
    if (group > 0) {
      // A group the regex lacks never matches, so the secret would be left in place.
      const { regex } = pattern as RedactPattern;
      const count = captureGroups(regex);
      if (group > count) {
        throw invalidOption(
          `${at}patterns[${i}].group`,
          group,
          `a capture group of ${String(regex)}, which has ${count} (0 is the whole match)`,
        );
      }
    }
    all.push(pattern);
  });
  return compileScanner(all);
}

function compileCensor(options: RedactOptions, at: string, functions: boolean): CompiledCensor {
  const { censor = DEFAULT_CENSOR, hashKey } = options;
  if (censor === 'hash') {
    if (!isHashKey(hashKey)) throw invalidOption(`${at}hashKey`, hashKey, HASH_KEY_EXPECTED);
    if (nodeHmac() === undefined) throw invalidOption(`${at}censor`, censor, HASH_UNAVAILABLE);
    return { kind: 'hash', key: hashKey };
  }
  if (hashKey !== undefined) {
    // The value of hashKey is a secret: invalidOption shows the censor, never the key.
    throw invalidOption(
      `${at}censor`,
      censor,
      "'hash' when a hashKey is given (hashKey only keys its pseudonyms)",
    );
  }
  if (typeof censor === 'string') return { kind: 'string', text: censor };
  if (typeof censor === 'function' && functions) return { kind: 'function', fn: censor };
  throw invalidOption(
    `${at}censor`,
    censor,
    functions
      ? "a string, a function (value, path) => replacement, or 'hash'"
      : "a string, or 'hash' with a hashKey",
  );
}

function compilePathList(paths: unknown, at: string) {
  if (paths === undefined) return null;
  if (!Array.isArray(paths)) throw invalidOption(`${at}paths`, paths, 'an array of path strings');
  paths.forEach((path: unknown, i) => {
    if (typeof path !== 'string')
      throw invalidOption(`${at}paths[${i}]`, path, 'a path string such as "a.b"');
  });
  return compilePaths(paths as string[]);
}

/**
 * Validates and compiles what to redact, the one way every caller does it.
 * @throws ConfigurationError naming the first invalid option (`<at><name>`).
 */
export function compileSelection(options: RedactOptions, context: SelectionContext): CompiledSelection {
  const { owner, at, valid, functions } = context;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalidOption(at === '' ? 'options' : at.slice(0, -1), options, 'an options object');
  }
  rejectUnknownKeys(owner, options, valid, HINTS);
  const paths = compilePathList(options.paths, at);
  const keys = compileKeys(options, at);
  const scanner = compilePatterns(options, at);
  const censor = compileCensor(options, at, functions);
  const remove = booleanOption(`${at}remove`, options.remove, false);
  return { paths, keys, scanner, censor, remove };
}
