/**
 * Key names redacted at any depth unless `defaultKeys: false`. Matching ignores case
 * and separators, so `apiKey`, `api_key`, `API-KEY` and `Api Key` are all `api_key`,
 * and finds them as the last words of a compound name too: `DB_PASSWORD`, `githubToken`,
 * `stripe-secret-key` (see {@link keyMatches}).
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

/**
 * Whether `key` names one of `normalizedKeys` (each in {@link normalizeKey} form): the whole
 * key, or its last one to three words, so compound names are caught as a person would
 * read them: `DB_PASSWORD`, `dbPassword` and `db-password` end in `password`,
 * `AWS_SECRET_ACCESS_KEY` in `secret_access_key`, `GITHUB_TOKEN` in `token`. Only the
 * last words count, because the noun of an identifier comes last: `tokenCount`,
 * `passwordPolicy` and `session_id` are not secrets.
 *
 * @example keyMatches(new Set(['password']), 'DB_PASSWORD') // true
 * @example keyMatches(new Set(['token']), 'maxTokens') // false: `tokens` is not `token`
 */
export function keyMatches(normalizedKeys: ReadonlySet<string>, key: string): boolean {
  if (normalizedKeys.has(normalizeKey(key))) return true;
  const words = key.replace(CAMEL, '$1$3 $2$4').split(WORD_SEPARATORS).filter(Boolean);
  let tail = '';
  for (let i = words.length - 1; i > 0 && i >= words.length - MAX_WORDS; i--) {
    tail = words[i]!.toLowerCase() + tail;
    if (normalizedKeys.has(tail)) return true;
  }
  return false;
}
