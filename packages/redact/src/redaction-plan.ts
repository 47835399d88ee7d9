import { hashCensor } from './internal/censor.js';
import { holdsHeaderPairs } from './internal/header-pairs.js';
import type { PathState } from './internal/path-automaton.js';
import { scan } from './internal/scanner.js';
import { compileSelection, SELECTION_KEYS } from './internal/selection.js';
import { keyMatches } from './keys.js';
import type { RedactSelection } from './types.js';

export type { PathState } from './internal/path-automaton.js';

/**
 * A compiled redaction for a serializer that censors as it writes instead of copying the
 * value first (the logger of `@ballast/logger` does): the same paths, key names, patterns
 * and censor as `createRedactor`, validated the same way, for the serializer to apply.
 */
export interface RedactionPlan {
  /**
   * The paths as a deterministic automaton: from the root, follow `named.get(key)` or else
   * `other` (a wildcard) for each key; the value where a state is `terminal` is censored.
   * `null` when there are no paths.
   */
  readonly paths: PathState | null;
  /** Whether the value under `key` is censored wherever it appears (a secret key name). */
  isSecretKey(key: string): boolean;
  /** Whether {@link RedactionPlan.scanText} can change anything (some pattern is on). */
  readonly scans: boolean;
  /** `text` with the secrets the patterns find replaced; the same string when none is found. */
  scanText(text: string): string;
  /** The censor text; `'hash'` when secrets are replaced by pseudonyms (see `censorValue`). */
  readonly censor: string;
  /** Whether `censor` is `'hash'`: each secret gets its own keyed pseudonym. */
  readonly hashing: boolean;
  /** What replaces the secret `value`: the censor text, or its pseudonym. */
  censorValue(value: unknown): string;
  /** Whether censored keys are dropped instead of censored. */
  readonly remove: boolean;
  /**
   * Whether the array under `key` lists header names and values in pairs (`rawHeaders`,
   * `rawTrailers`): there a value is a secret when the name before it is a secret key.
   */
  holdsHeaderPairs(key: string | number): boolean;
}

/** How many answers `isSecretKey` remembers before it starts again. */
const KEY_CACHE_LIMIT = 10_000;

/**
 * Compiles the options a serializer applies while it writes: the {@link RedactSelection}
 * part of `createRedactor`'s options, validated by the same code, so one options object
 * means the same to both. `name` is how the caller's own options call this object: errors
 * then name `redact.keys` rather than `keys`. The censor must be a string or `'hash'` (a
 * writer knows no path to pass a censor function).
 *
 * @example
 * const plan = compileRedaction({ paths: ['req.headers.cookie'] }, 'redact');
 * plan.isSecretKey('DB_PASSWORD'); // true
 * plan.scanText('Bearer abcdef123456'); // 'Bearer [REDACTED]'
 *
 * @throws A `ConfigurationError` (`code: 'INVALID_CONFIGURATION'`) for an invalid option.
 */
export function compileRedaction(options: RedactSelection = {}, name = 'options'): RedactionPlan {
  const at = name === 'options' ? '' : `${name}.`;
  const selection = compileSelection(options, {
    owner: name === 'options' ? 'compileRedaction' : name,
    at,
    valid: SELECTION_KEYS,
    functions: false,
  });
  const { keys, scanner, censor, paths, remove } = selection;
  const censorValue =
    censor.kind === 'hash'
      ? (value: unknown) => hashCensor(censor.key, value) as string
      : () => (censor as { text: string }).text;
  const memo = new Map<string, boolean>();
  const isSecretKey =
    keys === null
      ? () => false
      : (key: string): boolean => {
          const known = memo.get(key);
          if (known !== undefined) return known;
          const answer = keyMatches(keys, key);
          if (memo.size >= KEY_CACHE_LIMIT) memo.clear();
          memo.set(key, answer);
          return answer;
        };
  return {
    paths,
    isSecretKey,
    scans: scanner !== null,
    scanText: scanner === null ? (text) => text : (text) => scan(scanner, text, censorValue),
    censor: censor.kind === 'hash' ? 'hash' : (censor as { text: string }).text,
    hashing: censor.kind === 'hash',
    censorValue,
    remove,
    holdsHeaderPairs,
  };
}
