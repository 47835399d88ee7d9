import type { RedactPattern } from '../types.js';

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

/** The literals every match contains: the last word of each key (`token` of `access_token`). */
function lastWords(keys: readonly string[]): string[] {
  const out = new Set<string>();
  for (const key of keys) {
    const last = key
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .split(/[-_.\s]+/)
      .filter(Boolean)
      .at(-1)
      ?.toLowerCase();
    if (last === undefined) continue;
    out.add(last);
  }
  return [...out];
}

/**
 * Text the default censor or a pseudonym already wrote, as a whole value (or before the
 * `@` of a URL whose user is a key name, `https://token:[REDACTED]@host`): redacting a
 * redacted string leaves it as it is (a pseudonym would otherwise be hashed again), while
 * a value that merely starts with `[` (`[hunter2]`), or with what another pattern censored
 * (`[REDACTED]!x`), is still a secret.
 */
const CENSORED = String.raw`\[REDACTED(?::[0-9a-f]{8})?\](?![^\s"',;&}\]@])`;

/**
 * A bare value: to the first space or delimiter; a backslash escapes the next character,
 * except in the line escapes of encoded text (`\n`, `\r`, `\t`), which end it: a value in doubly
 * encoded JSON does not run on into the next line.
 */
const BARE = String.raw`(?:[^\s"',;&}\]\\]|\\(?![nrt])[\s\S]?)+`;

/** An object value (`{"current":"…"}`, one level of nesting inside), braces included. */
const BRACED = String.raw`\{(?:[^{}\n]|\{[^{}\n]*\})*\}`;

/**
 * A YAML block scalar: `password: |` and the lines under it indented at least as far as
 * the first (capture group 2 holds that indent; the next key, indented less, stays).
 */
const YAML_BLOCK = String.raw`[|>][-+]?[ \t]*\r?\n([ \t]+)[^\r\n]*(?:\r?\n\2[^\r\n]*)*`;

/**
 * A value between escaped quotes (`{\"apiKey\":\"…\"}`, JSON inside a JSON string): it runs to
 * the next escaped quote.
 */
const ESCAPED_QUOTED = String.raw`(?<=\\")(?:[^"\\\n]|\\(?!")[\s\S])+(?=\\")`;

/** Between key and value: `=`, `:`, Ruby's `=>`, or a percent-encoded `=` or `:` (`password%3D…`). */
const SEPARATOR = String.raw`\s*(?:=>|[:=]|%3[DdAa])\s*`;

/** An optional opening quote, escaped or not. */
const QUOTE = String.raw`(?:\\*["'])?`;

/**
 * A value in `quote`s, after the opening one (the lookbehind sees it, perhaps before an
 * auth scheme): it runs to the closing quote of the same kind, stepping over escaped
 * characters (`"ab\"cd"`, `"it's"`). It stops at an unescaped quote or a line break, never
 * past the opening quote of the next assignment of its kind, so a scan that finds no
 * closing quote cannot be repeated across the string: the regex stays linear.
 */
function quoted(quote: string): string {
  return String.raw`(?<=${quote}(?:${SCHEMES}\s+)?)(?:[^${quote}\\\n]|\\[\s\S])+(?=${quote})`;
}

/**
 * A detector for secrets written as text next to their key: `password=hunter2`,
 * `"token":"a b c"`, `api-key: xyz`, `authorization: Basic xyz` (a message holding JSON,
 * a query string or a header dump). The value after the key and `=` or `:` is censored,
 * after the auth scheme if there is one; the key stays readable.
 *
 * It runs only on strings naming a key (the shared character loop looks for the last word
 * of each key).
 */
export function assignmentPattern(keys: readonly string[]): RedactPattern {
  const key = alternation(keys);
  return {
    name: 'key-assignment',
    // The value is, in this order: quoted (to its closing quote, spaces and all), in
    // brackets (`[a, b]`, brackets included), or bare (to the first space or delimiter,
    // as is a quote never closed).
    // A key may end in digits (`password2`, `API_KEY_2`); a word before a censored value is
    // the scheme another pattern kept (`Authorization: token [REDACTED]`).
    regex: new RegExp(
      String.raw`(?:${key})(?:[-_]?\d{1,3})?${QUOTE}${SEPARATOR}${QUOTE}(?:${SCHEMES}\s+)?` +
        String.raw`(?!${CENSORED}|${SCHEMES}\s|[A-Za-z][\w-]*[ \t]+${CENSORED})` +
        String.raw`(${ESCAPED_QUOTED}|${quoted('"')}|${quoted("'")}|${BRACED}|${YAML_BLOCK}|\[[^[\]\n]*\](?:${BARE})?|${BARE})`,
      'gi',
    ),
    group: 1,
    prefixes: lastWords(keys),
    // The shortest key (`ssn`), `=` and one character.
    minLength: 5,
  };
}
