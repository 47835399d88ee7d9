import { invalidOption, rejectUnknownKeys, serializeError } from '@ballast/errors';
import {
  createRedactor,
  DEFAULT_KEYS,
  keyMatches,
  normalizeKey,
  parsePath,
  pseudonym,
  type RedactPattern,
  WILDCARD,
} from '@ballast/redact';
import { memberPrefixes } from './line-keys.js';
import { quote } from './quote.js';
import { cachedKeyTest, noScrub, type PathNode, type Scrub } from './scrub.js';

/** Redaction settings of a logger (a subset of `@ballast/redact`'s options). */
export interface RedactOptions {
  /** fast-redact paths relative to the line: `'req.headers.cookie'`, `'*.password'`, `'items[0].token'`. */
  paths?: string[];
  /** Extra key names censored at any depth, ignoring case and separators (`apiKey` = `API_KEY`). */
  keys?: string[];
  /** Extra value detectors: the matching part of any string is censored. */
  patterns?: Array<RegExp | RedactPattern>;
  /**
   * Censor the values of `DEFAULT_KEYS` of `@ballast/redact` (key names only: secrets
   * written as text, `password=…`, belong to `defaultPatterns`).
   * @defaultValue `true`
   */
  defaultKeys?: boolean;
  /**
   * Scan strings with `DEFAULT_PATTERNS` of `@ballast/redact` (JWTs, bearer tokens, AWS
   * keys, private keys, card numbers, URL passwords, and `password=…`/`"token":"…"` written
   * as text, for the default keys and your `keys`, even with `defaultKeys: false`).
   * @defaultValue `true`
   */
  defaultPatterns?: boolean;
  /**
   * The replacement text, or `'hash'` for a stable keyed pseudonym (`[REDACTED:3f9a1c2e]`,
   * HMAC-SHA-256 under `hashKey`) so the lines about one user or email can be found and
   * correlated without the value being written; `pseudonym` of `@ballast/redact` computes it.
   * @defaultValue `'[REDACTED]'`
   */
  censor?: string;
  /** The HMAC key of `censor: 'hash'` (required by it, refused without it); keep it secret and stable. */
  hashKey?: string | Uint8Array;
  /**
   * Drop censored keys instead of replacing their value (secrets inside strings are still replaced).
   * @defaultValue `false`
   */
  remove?: boolean;
}

/** `false` (off), a list of paths, or {@link RedactOptions}; the defaults stay on unless turned off. */
export type RedactOption = false | string[] | RedactOptions;

const REDACT_KEYS = [
  'paths',
  'keys',
  'patterns',
  'defaultKeys',
  'defaultPatterns',
  'censor',
  'hashKey',
  'remove',
] as const satisfies ReadonlyArray<keyof RedactOptions>;

const REDACT_HINTS = {
  defaults:
    'to turn the defaults off use defaultKeys: false (key names) and/or defaultPatterns: false (value patterns)',
};

/**
 * Errors as plain objects, unredacted: the logger's own scrub censors them as it writes them
 * (with the logger's censor, or not at all with `redact: false`).
 */
const rawError = (error: Error): unknown => serializeError(error, { redact: false });

function compilePaths(paths: readonly string[]): PathNode | undefined {
  if (paths.length === 0) return undefined;
  const fresh = (): PathNode => ({ end: false, children: undefined, any: undefined });
  const root = fresh();
  for (const path of paths) {
    let node = root;
    for (const segment of parsePath(path)) {
      if (segment === WILDCARD) {
        node.any ??= fresh();
        node = node.any;
        continue;
      }
      node.children ??= new Map();
      let next = node.children.get(segment);
      if (next === undefined) {
        next = fresh();
        node.children.set(segment, next);
      }
      node = next;
    }
    node.end = true;
  }
  determinize(root);
  return root;
}

/** Copies `source` into `target` (a union of the two subtrees). */
function merge(target: PathNode, source: PathNode): void {
  target.end ||= source.end;
  for (const [key, child] of source.children ?? []) {
    target.children ??= new Map();
    let into = target.children.get(key);
    if (into === undefined) {
      into = { end: false, children: undefined, any: undefined };
      target.children.set(key, into);
    }
    merge(into, child);
  }
  if (source.any !== undefined) {
    target.any ??= { end: false, children: undefined, any: undefined };
    merge(target.any, source.any);
  }
}

/**
 * Folds each `*` branch into its exact siblings, so the serializer follows one
 * node per key: `items[1].code` and `items[*].pin` both apply to `items[1]`.
 */
function determinize(node: PathNode): void {
  if (node.any !== undefined && node.children !== undefined) {
    for (const child of node.children.values()) merge(child, node.any);
  }
  for (const child of node.children?.values() ?? []) determinize(child);
  if (node.any !== undefined) determinize(node.any);
}

/** Lets `@ballast/redact` validate the options, reporting problems as this package does. */
function validated<T>(option: string, value: unknown, build: () => T): T {
  try {
    return build();
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw invalidOption(option, value, `a valid setting (${reason})`);
  }
}

/**
 * Compiles the `redact` option into the serializer's {@link Scrub}: a memoized
 * key test over `DEFAULT_KEYS` and the host's keys, a string scanner built by
 * `createRedactor` (its shared pre-check skips most strings at once) and a trie of
 * paths. The line is censored as it is written; nothing is cloned.
 *
 * @throws ConfigurationError for a malformed path, pattern or option, or a key
 * of the `redact` object that is not an option (`defaults` is not: use
 * `defaultKeys`/`defaultPatterns`).
 */
export function compileRedaction(option: RedactOption | undefined): Scrub {
  if (option === false) return noScrub(rawError);
  const settings: RedactOptions = Array.isArray(option) ? { paths: option } : (option ?? {});
  if (typeof settings !== 'object' || settings === null) {
    throw invalidOption(
      'redact',
      option,
      'false, an array of paths or { paths, keys, patterns, defaultKeys, defaultPatterns, censor, hashKey, remove }',
    );
  }
  rejectUnknownKeys('redact', settings, REDACT_KEYS, REDACT_HINTS);
  const { paths = [], keys = [], patterns = [], censor = '[REDACTED]', remove = false } = settings;
  const { defaultKeys = true, defaultPatterns = true, hashKey } = settings;
  if (typeof censor !== 'string')
    throw invalidOption('redact.censor', censor, "a string, or 'hash' with a hashKey");
  const hashing = censor === 'hash';
  if (hashKey !== undefined && !hashing) {
    throw invalidOption(
      'redact.censor',
      censor,
      "'hash' when a hashKey is given (hashKey only keys its pseudonyms)",
    );
  }
  const validKey =
    (typeof hashKey === 'string' && hashKey !== '') ||
    (hashKey instanceof Uint8Array && hashKey.byteLength > 0);
  if (hashing && !validKey) {
    throw invalidOption(
      'redact.hashKey',
      hashKey,
      "a non-empty string or Uint8Array (required by censor: 'hash')",
    );
  }
  const hashed = hashing
    ? (secret: unknown) => quote(pseudonym(hashKey as string | Uint8Array, secret))
    : undefined;
  if (typeof remove !== 'boolean') throw invalidOption('redact.remove', remove, 'true or false');
  validated('redact.paths', paths, () => createRedactor({ paths, keys: false, patterns: false }));
  validated('redact.keys', keys, () => createRedactor({ keys, defaultKeys, patterns: false }));
  const allKeys = defaultKeys ? [...DEFAULT_KEYS, ...keys] : keys;
  // Used on strings only. Given the keys, its key-assignment pattern (`password=…` in text,
  // one of the default patterns) also covers the host's keys.
  const scanText = validated('redact.patterns', patterns, () =>
    createRedactor(
      hashing
        ? { keys, defaultKeys, patterns, defaultPatterns, censor, hashKey: hashKey as string | Uint8Array }
        : { keys, defaultKeys, patterns, defaultPatterns, censor },
    ),
  );
  const keySet = new Set(allKeys.map(normalizeKey));
  const scans = patterns.length > 0 || defaultPatterns;
  const text = scans ? (s: string) => scanText(s) as string : (s: string) => s;
  return {
    isSecretKey: keySet.size === 0 ? () => false : cachedKeyTest((key) => keyMatches(keySet, key)),
    text,
    member: memberPrefixes(text),
    paths: compilePaths(paths),
    censor: quote(censor),
    hashed,
    remove,
    error: rawError,
  };
}
