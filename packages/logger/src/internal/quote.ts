// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON must escape control characters.
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;

/**
 * Quotes a string as JSON. Most log strings need no escaping, so they are checked
 * first and wrapped as they are; anything else goes to `JSON.stringify`, which
 * also turns lone surrogates into escapes so the line stays valid UTF-8.
 */
export function quote(s: string): string {
  const n = s.length;
  if (n < 64) {
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 32 || c === 34 || c === 92 || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(s);
    }
    return `"${s}"`;
  }
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/**
 * Makes a remembered `,"key":` writer: log lines repeat the same few keys, so
 * after the first line a key costs one map lookup and no allocation. `text`
 * censors secrets inside the key itself (a token used as a map key), once per key.
 */
export function memberPrefixes(text: (key: string) => string): (key: string) => string {
  const prefixes = new Map<string, string>();
  return (key) => {
    let prefix = prefixes.get(key);
    if (prefix === undefined) {
      prefix = `,${quote(text(key))}:`;
      if (prefixes.size >= 10_000) prefixes.clear();
      prefixes.set(key, prefix);
    }
    return prefix;
  };
}
