/**
 * Key names redacted at any depth unless `defaultKeys: false`. Matching ignores case
 * and separators, so `apiKey`, `api_key`, `API-KEY` and `Api Key` are all `api_key`.
 */
export const DEFAULT_KEYS: readonly string[] = Object.freeze([
  'password',
  'passwd',
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
  'private_key',
  'session',
  'credit_card',
  'cvv',
  'ssn',
]);

const SEPARATORS = /[-_.\s]/g;

/**
 * The form keys are compared in: lower case, without `-`, `_`, `.` or spaces
 * (`'X-Api-Key'` → `'xapikey'`).
 */
export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(SEPARATORS, '');
}
