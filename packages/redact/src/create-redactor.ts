import { assignmentPattern } from './internal/assignment.js';
import { type CompiledCensor, DEFAULT_CENSOR } from './internal/censor.js';
import { invalidOption, rejectUnknownKeys } from './internal/configuration-error.js';
import { compilePaths } from './internal/path-automaton.js';
import { compileLiteralPaths } from './internal/path-compiler.js';
import { PathWalker } from './internal/path-walker.js';
import { resolveLimits } from './internal/limit-options.js';
import { compileScanner } from './internal/scanner.js';
import { errorView } from './internal/special.js';
import { type WalkConfig, Walker } from './internal/walker.js';
import { DEFAULT_KEYS, normalizeKey } from './keys.js';
import { DEFAULT_PATTERNS, type RedactPattern } from './patterns.js';
import { HASH_KEY_EXPECTED, isHashKey } from './pseudonym.js';
import type { RedactOptions, Redactor } from './types.js';

const DEFAULT_MAX_DEPTH = 20;

const OPTION_KEYS = [
  'paths',
  'keys',
  'defaultKeys',
  'patterns',
  'defaultPatterns',
  'censor',
  'hashKey',
  'remove',
  'normalize',
  'maxDepth',
  'maxArrayLength',
  'maxKeys',
  'maxStringLength',
  'maxTotalLength',
] as const satisfies ReadonlyArray<keyof RedactOptions>;

function booleanOption(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw invalidOption(name, value, 'true or false');
  return value;
}

function compileKeys(options: RedactOptions): Set<string> | null {
  const { keys = [] } = options;
  if (keys === false) return null;
  if (!Array.isArray(keys)) throw invalidOption('keys', keys, 'an array of key names, or false');
  const set = new Set<string>();
  if (booleanOption('defaultKeys', options.defaultKeys, true)) {
    for (const key of DEFAULT_KEYS) set.add(normalizeKey(key));
  }
  keys.forEach((key: unknown, i) => {
    if (typeof key !== 'string' || normalizeKey(key) === '') {
      throw invalidOption(`keys[${i}]`, key, 'a non-empty key name');
    }
    set.add(normalizeKey(key));
  });
  return set.size > 0 ? set : null;
}

function isPattern(value: unknown): value is RedactPattern | RegExp {
  if (value instanceof RegExp) return true;
  if (typeof value !== 'object' || value === null) return false;
  const { name, regex, group, validate, hint, minLength } = value as Partial<RedactPattern>;
  return (
    typeof name === 'string' &&
    regex instanceof RegExp &&
    (group === undefined || (Number.isInteger(group) && group >= 0)) &&
    (validate === undefined || typeof validate === 'function') &&
    (hint === undefined || typeof hint === 'string') &&
    (minLength === undefined || (Number.isInteger(minLength) && minLength >= 0))
  );
}

/** How many capture groups `regex` has: an empty alternative always matches, with every group unset. */
function captureGroups(regex: RegExp): number {
  return new RegExp(`${regex.source}|`, regex.flags.replace(/[gy]/g, '')).exec('')!.length - 1;
}

function compilePatterns(options: RedactOptions) {
  const { patterns = [] } = options;
  if (patterns === false) return null;
  if (!Array.isArray(patterns)) throw invalidOption('patterns', patterns, 'an array of patterns, or false');
  const all: (RedactPattern | RegExp)[] = [];
  if (booleanOption('defaultPatterns', options.defaultPatterns, true)) {
    // The key-assignment detector covers the default keys and the host's own (keys is checked by now).
    const keys = Array.isArray(options.keys) ? options.keys : [];
    for (const pattern of DEFAULT_PATTERNS) {
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
        `patterns[${i}]`,
        pattern,
        'a RegExp or { name, regex, group?, validate?, hint?, minLength? }',
      );
    }
    const group = pattern instanceof RegExp ? 0 : (pattern.group ?? 0);
    if (group > 0) {
      // A group the regex lacks never matches, so the secret would be left in place.
      const { regex } = pattern as RedactPattern;
      const count = captureGroups(regex);
      if (group > count) {
        throw invalidOption(
          `patterns[${i}].group`,
          group,
          `a capture group of ${String(regex)}, which has ${count} (0 is the whole match)`,
        );
      }
    }
    all.push(pattern);
  });
  return compileScanner(all);
}

function compileCensor(options: RedactOptions): CompiledCensor {
  const { censor = DEFAULT_CENSOR, hashKey } = options;
  if (censor === 'hash') {
    if (!isHashKey(hashKey)) throw invalidOption('hashKey', hashKey, HASH_KEY_EXPECTED);
    return { kind: 'hash', key: hashKey };
  }
  if (typeof censor === 'string') return { kind: 'string', text: censor };
  if (typeof censor === 'function') return { kind: 'function', fn: censor };
  throw invalidOption('censor', censor, "a string, a function (value, path) => replacement, or 'hash'");
}

function compilePathList(paths: unknown) {
  if (paths === undefined) return null;
  if (!Array.isArray(paths)) throw invalidOption('paths', paths, 'an array of path strings');
  paths.forEach((path: unknown, i) => {
    if (typeof path !== 'string') throw invalidOption(`paths[${i}]`, path, 'a path string such as "a.b"');
  });
  return compilePaths(paths as string[]);
}

/**
 * Compiles a redactor: a function returning a redacted copy of any value, never
 * mutating it. Paths, key names and value patterns are compiled once, here.
 *
 * By default {@link DEFAULT_KEYS} are redacted at any depth and {@link DEFAULT_PATTERNS}
 * scan every string; the copy is JSON-safe (see `normalize`).
 *
 * @example
 * const redact = createRedactor({ paths: ['req.headers["x-session"]'] });
 * redact({ user: 'ada', password: 'hunter2', note: 'Bearer abc123def456' });
 * // → { user: 'ada', password: '[REDACTED]', note: 'Bearer [REDACTED]' }
 *
 * @throws A `ConfigurationError` (`code: 'INVALID_CONFIGURATION'`, recognised by
 * `isBallastError`) for an invalid option; for a bad path it names the path and position.
 */
export function createRedactor(options: RedactOptions = {}): Redactor {
  if (typeof options !== 'object' || options === null) {
    throw invalidOption('options', options, 'an options object');
  }
  rejectUnknownKeys('createRedactor', options, OPTION_KEYS);
  const paths = compilePathList(options.paths);
  const keys = compileKeys(options);
  const scanner = compilePatterns(options);
  const censor = compileCensor(options);
  const remove = booleanOption('remove', options.remove, false);
  const normalize = booleanOption('normalize', options.normalize, keys !== null || scanner !== null);
  const { maxDepth = DEFAULT_MAX_DEPTH } = options;
  if (!Number.isInteger(maxDepth) || maxDepth < 1) {
    throw invalidOption('maxDepth', maxDepth, 'a whole number ≥ 1');
  }
  if (!normalize && (keys !== null || scanner !== null)) {
    throw invalidOption('normalize', false, 'true while keys or patterns are on (they need the full walk)');
  }

  if (!normalize) {
    if (paths === null) return (value) => value;
    const compiled = compileLiteralPaths(paths, censor, remove);
    if (compiled !== undefined) return compiled;
    // A censor function may re-enter this redactor, so it gets a walker (and path) per call.
    if (censor.kind === 'function') return (value) => new PathWalker(paths, censor, remove).run(value);
    const walker = new PathWalker(paths, censor, remove);
    return (value) => walker.run(value);
  }
  const limits = resolveLimits(options, (name, value) => {
    throw invalidOption(name, value, 'a whole number ≥ 1, or Infinity for no limit');
  });
  const config: WalkConfig = {
    paths,
    keys,
    scanner,
    censor,
    remove,
    maxDepth,
    limits,
    json: false,
    describeError: errorView,
  };
  const walker = new Walker(config);
  return (value) => (walker.busy ? new Walker(config).run(value) : walker.run(value));
}
