import type { RedactPattern } from '../patterns.js';

const SCHEMES = '(?:bearer|basic|digest|negotiate)';

/** The words of a key (`apiKey`, `api_key`, `API-KEY` → `api`, `key`), escaped for a regex. */
function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[-_.\s]+/)
    .filter(Boolean)
    .map((word) => word.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
}

/**
 * The keys as one alternation, leaving out any key that ends with another (`access_token`
 * ends with `token`): the key has no left boundary, so the shorter one already covers it.
 */
function alternation(keys: readonly string[]): string {
  const all = [...new Set(keys.map((key) => words(key).join(' ')))].filter(Boolean);
  const kept = all.filter((key) => !all.some((other) => other !== key && key.endsWith(` ${other}`)));
  return kept.map((key) => key.split(' ').join('[-_.\\s]?')).join('|');
}

/**
 * A detector for secrets written as text next to their key: `password=hunter2`,
 * `"token":"a b c"`, `api-key: xyz`, `authorization: Basic xyz` (a message holding JSON,
 * a query string or a header dump). The value after the key and `=` or `:` is censored,
 * after the auth scheme if there is one; the key stays readable.
 *
 * Its hint is the keys themselves: in the shared pre-check they cost a fraction of what
 * running this regex on every string would, and strings naming no key skip it.
 */
export function assignmentPattern(keys: readonly string[]): RedactPattern {
  const key = alternation(keys);
  return {
    name: 'key-assignment',
    // A quoted value runs to its closing quote, spaces and all (the lookbehind sees the
    // opening quote, perhaps before an auth scheme); a bare value, or a quote never
    // closed, to the first space or delimiter.
    regex: new RegExp(
      `(?:${key})["']?\\s*[:=]\\s*["']?(?:${SCHEMES}\\s+)?(?!\\[|${SCHEMES}\\s)` +
        `((?<=["'](?:${SCHEMES}\\s+)?)[^"'\\n]+(?=["'])|[^\\s"',;&}\\]]+)`,
      'gi',
    ),
    group: 1,
    hint: key,
    // The shortest key (`ssn`), `=` and one character.
    minLength: 5,
  };
}
