import { RedactConfigurationError } from './configuration-error.js';

/** The segment {@link parsePath} returns for `*` and `[*]`: it matches any one key. */
export const WILDCARD: unique symbol = Symbol('wildcard');

/** One step of a parsed path: a literal key (array indices as strings, `[0]` → `'0'`) or {@link WILDCARD}. */
export type PathSegment = string | typeof WILDCARD;

const IDENT_START = /[\p{ID_Start}$_]/u;
const IDENT_PART = /[\p{ID_Continue}$\u200C\u200D]/u;

function fail(path: string, position: number, problem: string): never {
  const pointer = `${path}\n${' '.repeat(position)}^`;
  throw new RedactConfigurationError({
    message: `Invalid redaction path ${JSON.stringify(path)} at position ${position}: ${problem}.\n${pointer}`,
    details: { option: 'paths', path, position },
    suggestions: ['Write paths as fast-redact does: a.b, a["x-y"].c, a[0], a.*.c, *.password.'],
  });
}

/**
 * Parses one path in fast-redact syntax (`a.b`, `a["x-y"].c`, `a[0]`, `a.*.c`, `*.b`) into
 * its segments, for tools that walk the same paths `createRedactor` accepts.
 *
 * @example
 * parsePath('req.headers["x-api-key"]'); // ['req', 'headers', 'x-api-key']
 * parsePath('items[*].token'); // ['items', WILDCARD, 'token']
 *
 * @throws ConfigurationError (code `INVALID_CONFIGURATION`) naming the path and the position of the problem.
 */
export function parsePath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  const n = path.length;
  if (n === 0) fail(path, 0, 'the path is empty');
  let i = 0;
  let expectName = true; // at the start or right after a dot
  let afterDot = false;
  while (i < n) {
    const ch = path[i]!;
    if (ch === '[') {
      if (afterDot) fail(path, i, 'expected a key name or * after "."');
      i = parseBracket(path, i, segments);
      expectName = false;
    } else if (ch === '.') {
      if (expectName)
        fail(path, i, segments.length === 0 ? 'a path cannot start with "."' : 'empty key name');
      expectName = true;
      afterDot = true;
      i++;
    } else if (expectName) {
      if (ch === '*') {
        segments.push(WILDCARD);
        i++;
      } else if (IDENT_START.test(ch)) {
        const start = i;
        i++;
        while (i < n && IDENT_PART.test(path[i]!)) i++;
        segments.push(path.slice(start, i));
      } else {
        fail(path, i, `unexpected ${JSON.stringify(ch)}; quote such keys: a["${ch}"]`);
      }
      expectName = false;
      afterDot = false;
    } else {
      fail(path, i, `unexpected ${JSON.stringify(ch)}; expected "." or "["`);
    }
  }
  if (afterDot) fail(path, n, 'the path ends with "."');
  return segments;
}

function parseBracket(path: string, open: number, segments: PathSegment[]): number {
  const n = path.length;
  let i = open + 1;
  const ch = path[i];
  if (ch === '*') {
    segments.push(WILDCARD);
    i++;
  } else if (ch === '"' || ch === "'") {
    let key = '';
    i++;
    for (;;) {
      if (i >= n) fail(path, open, `unterminated string; close it with ${ch}]`);
      const c = path[i]!;
      if (c === ch) break;
      if (c === '\\') {
        i++;
        if (i >= n) fail(path, i - 1, 'dangling backslash');
      }
      key += path[i];
      i++;
    }
    i++;
    segments.push(key);
  } else if (ch !== undefined && ch >= '0' && ch <= '9') {
    const start = i;
    while (i < n && path[i]! >= '0' && path[i]! <= '9') i++;
    segments.push(String(Number(path.slice(start, i))));
  } else {
    fail(path, i, 'expected an index, * or a quoted key after "["');
  }
  if (path[i] !== ']') fail(path, i, 'expected "]"');
  return i + 1;
}
