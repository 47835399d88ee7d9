/** A parsed path step: a key (array indices as strings) or `*`. */
export type Segment = string | { any: true };

const ANY: Segment = { any: true };

/**
 * Splits a fast-redact path (`a.b`, `a["x-y"].c`, `a[0]`, `a.*.c`, `*.b`) into
 * segments. The path must already be valid: `@ballast/redact` checks the syntax
 * (and reports the position of a mistake) before this runs.
 */
export function splitPath(path: string): Segment[] {
  const segments: Segment[] = [];
  let i = 0;
  const n = path.length;
  while (i < n) {
    const ch = path[i];
    if (ch === '.') {
      i++;
    } else if (ch === '[') {
      const quote = path[i + 1];
      if (quote === '"' || quote === "'") {
        let key = '';
        i += 2;
        while (i < n && path[i] !== quote) {
          if (path[i] === '\\') i++;
          key += path[i];
          i++;
        }
        segments.push(key);
        i += 2;
      } else {
        const close = path.indexOf(']', i);
        const inner = path.slice(i + 1, close);
        segments.push(inner === '*' ? ANY : String(Number(inner)));
        i = close + 1;
      }
    } else {
      let end = i;
      while (end < n && path[end] !== '.' && path[end] !== '[') end++;
      const name = path.slice(i, end);
      segments.push(name === '*' ? ANY : name);
      i = end;
    }
  }
  return segments;
}
