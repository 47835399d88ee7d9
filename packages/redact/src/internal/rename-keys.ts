import { read, setKey, THREW, UNSERIALIZABLE } from './special.js';

/**
 * A copy of `source`, whose own keys are `keys`, with those in `renames` renamed, in the
 * same order. A new name
 * already taken, by a key kept as it is or by an earlier renamed one (two JWTs used as
 * keys both become `[REDACTED]`), gets the first free suffix ` (2)`, ` (3)`…: no value
 * is lost, and the same input always gives the same names. A getter that throws (on the
 * input itself, when nothing else changed) gives `'[Unserializable]'`.
 */
export function renameKeys(
  source: Record<string, unknown>,
  keys: readonly string[],
  renames: ReadonlyMap<string, string>,
): Record<string, unknown> {
  const taken = new Set<string>();
  for (const key of keys) if (!renames.has(key)) taken.add(key);
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const renamed = renames.get(key);
    let name = key;
    if (renamed !== undefined) {
      name = renamed;
      for (let n = 2; taken.has(name); n++) name = `${renamed} (${n})`;
      taken.add(name);
    }
    const value = read(source, key);
    setKey(out, name, value === THREW ? UNSERIALIZABLE : value);
  }
  return out;
}
