import { invalidOption, serializeError } from '@ballast/errors';
import { DEFAULT_KEYS, DEFAULT_PATTERNS, parsePath, WILDCARD } from './interim-redact.js';
import { quote } from './quote.js';
import { cachedKeyTest, noScrub, type PathNode, type Scrub } from './scrub.js';

/** Redaction settings of a logger. */
export interface RedactOptions {
  /** fast-redact paths relative to the line: `'req.headers.cookie'`, `'*.password'`, `'items[0].token'`. */
  paths?: string[];
  /** Extra key names censored at any depth, case-insensitively. */
  keys?: string[];
  /** Extra value patterns: any substring matching is censored. */
  patterns?: RegExp[];
  /**
   * The replacement text.
   * @defaultValue `'[REDACTED]'`
   */
  censor?: string;
  /**
   * Drop censored keys instead of replacing their value.
   * @defaultValue `false`
   */
  remove?: boolean;
  /**
   * Keep the default keys and patterns of `@ballast/redact` on.
   * @defaultValue `true`
   */
  defaults?: boolean;
}

/** `false` (off), a list of paths, or {@link RedactOptions}; defaults stay on unless said otherwise. */
export type RedactOption = false | string[] | RedactOptions;

function compilePaths(paths: readonly string[]): PathNode | undefined {
  if (paths.length === 0) return undefined;
  const root: PathNode = { end: false, children: undefined, any: undefined };
  for (const path of paths) {
    let segments: ReturnType<typeof parsePath>;
    try {
      segments = parsePath(path);
    } catch (error) {
      throw invalidOption(
        'redact.paths',
        path,
        `a fast-redact path such as a.b, a["x-y"], *.password (${(error as Error).message.split('\n')[0]})`,
      );
    }
    let node = root;
    for (const segment of segments) {
      const fresh = (): PathNode => ({ end: false, children: undefined, any: undefined });
      if (segment === WILDCARD) {
        node.any ??= fresh();
        node = node.any;
      } else {
        node.children ??= new Map();
        let next = node.children.get(segment);
        if (next === undefined) {
          next = fresh();
          node.children.set(segment, next);
        }
        node = next;
      }
    }
    node.end = true;
  }
  return root;
}

function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[-_\s]/g, '');
}

/**
 * Compiles the `redact` option into the serializer's {@link Scrub}: a memoized key
 * test, one combined pattern scan per string, and a trie of paths.
 * @throws ConfigurationError for a malformed path or option.
 */
export function compileRedaction(option: RedactOption | undefined): Scrub {
  if (option === false) return noScrub(serializeError);
  const settings: RedactOptions = Array.isArray(option) ? { paths: option } : (option ?? {});
  if (typeof settings !== 'object' || settings === null) {
    throw invalidOption(
      'redact',
      option,
      'false, an array of paths or { paths, keys, patterns, censor, remove, defaults }',
    );
  }
  const {
    paths = [],
    keys = [],
    patterns = [],
    censor = '[REDACTED]',
    remove = false,
    defaults = true,
  } = settings;
  if (typeof censor !== 'string') throw invalidOption('redact.censor', censor, 'a string');
  for (const pattern of patterns) {
    if (!(pattern instanceof RegExp)) throw invalidOption('redact.patterns', pattern, 'regular expressions');
  }
  const keySet = new Set((defaults ? [...DEFAULT_KEYS, ...keys] : keys).map(normalizeKey));
  const all = defaults ? [...DEFAULT_PATTERNS, ...patterns] : patterns;
  const sources = all.map((p) => `(?:${p.source})`).join('|');
  const probe = all.length === 0 ? undefined : new RegExp(sources);
  const replace = new RegExp(sources, 'g');
  return {
    isSecretKey: keySet.size === 0 ? () => false : cachedKeyTest((key) => keySet.has(normalizeKey(key))),
    text: probe === undefined ? (s) => s : (s) => (probe.test(s) ? s.replace(replace, censor) : s),
    paths: compilePaths(paths),
    censor: quote(censor),
    remove,
    error: serializeError,
  };
}
