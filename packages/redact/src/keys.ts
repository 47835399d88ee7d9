/**
 * Key names redacted at any depth unless `defaultKeys: false`. Matching ignores case
 * and separators, so `apiKey`, `api_key`, `API-KEY` and `Api Key` are all `api_key`,
 * and finds them at the end of a compound name too: `DB_PASSWORD`, `githubToken`,
 * `PGPASSWORD`, `stripe-secret-key`, `MYSQL_PWD`, numbered as in `password2` (see {@link keyMatches}).
 */
export const DEFAULT_KEYS: readonly string[] = Object.freeze([
  'password',
  'passwd',
  'passphrase',
  'pwd',
  'secret',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'api_key',
  'x-api-key',
  'client_secret',
  'secret_key',
  'secret_access_key',
  'private_key',
  'session',
  'credit_card',
  'cvv',
  'ssn',
]);

/** Separators, and invisible format characters (zero-width space, BOM) that would hide a name. */
const SEPARATORS = /[-_.\s\p{Cf}]/gu;

/**
 * The form keys are compared in: lower case, without `-`, `_`, `.`, spaces or invisible
 * format characters such as a zero-width space (`'X-Api-Key'` → `'xapikey'`).
 */
export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(SEPARATORS, '');
}

/** Word boundaries inside one identifier: `dbPassword`, `HTTPToken`, `token2`. */
const CAMEL = /([a-z\d])([A-Z])|([A-Z]+)([A-Z][a-z])/g;
const WORD_SEPARATORS = /[-_.\s\p{Cf}]+/u;
/** The most trailing words compared: enough for `secret_access_key`. */
const MAX_WORDS = 3;

/** Keys this long or longer are also found at the end of a longer name written as one word. */
const MIN_SUFFIX = 5;
const TRAILING_DIGITS = /\d+$/;

/**
 * Whether `key` names one of `normalizedKeys` (each in {@link normalizeKey} form), as a
 * person would read it:
 * - the whole key, perhaps numbered: `password`, `password2`, `apiKey2`;
 * - its end, for keys of five letters or more, even with no word boundary: `PGPASSWORD`,
 *   `authtoken`, `sessiontoken`, `DB_PASSWORD`, `githubToken`;
 * - its last one to three words, for any key: `MYSQL_PWD`, `AWS_SECRET_ACCESS_KEY`.
 *
 * Only the end counts, because the noun of an identifier comes last: `tokenCount`,
 * `maxTokens`, `passwordless`, `secretary`, `author`, `keyboard` and `publicKey` are not
 * secrets.
 *
 * @example keyMatches(new Set(['password']), 'PGPASSWORD') // true
 * @example keyMatches(new Set(['token']), 'maxTokens') // false: `tokens` is not `token`
 */
export function keyMatches(normalizedKeys: ReadonlySet<string>, key: string): boolean {
  const normal = normalizeKey(key);
  if (normalizedKeys.has(normal)) return true;
  const bare = normal.replace(TRAILING_DIGITS, '');
  if (bare !== normal && normalizedKeys.has(bare)) return true;
  for (const secret of normalizedKeys) {
    if (secret.length >= MIN_SUFFIX && bare.length > secret.length && bare.endsWith(secret)) return true;
  }
  const words = key.replace(CAMEL, '$1$3 $2$4').split(WORD_SEPARATORS).filter(Boolean);
  let tail = '';
  for (let i = words.length - 1; i > 0 && i >= words.length - MAX_WORDS; i--) {
    tail = words[i]!.toLowerCase() + tail;
    if (normalizedKeys.has(tail)) return true;
  }
  return false;
}
