/**
 * Keys holding headers as a flat list of name, value, name, value (Node's
 * `IncomingMessage.rawHeaders` and `rawTrailers`): a value is a secret when the name before
 * it is a secret key name (`['Authorization', 'token …', 'Cookie', 'a=…']`).
 */
const PAIR_LISTS = new Set(['rawheaders', 'rawtrailers']);

/** Whether the array under `key` lists header names and values in pairs. */
export function holdsHeaderPairs(key: string | number): boolean {
  return typeof key === 'string' && key.length >= 10 && key.length <= 12 && PAIR_LISTS.has(key.toLowerCase());
}
