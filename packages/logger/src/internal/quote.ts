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
