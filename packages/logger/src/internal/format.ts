/**
 * printf-style formatting as pino does it: `%s`, `%d`, `%i`, `%f`, `%j`, `%o`,
 * `%O` and `%%`; arguments left over are appended with spaces. Objects go through
 * `json`, the logger's redacting serializer, so `%j` never leaks a secret field.
 * `args` is read from `start` on.
 */
export function format(
  template: string,
  args: ArrayLike<unknown>,
  start: number,
  json: (value: unknown) => string,
): string {
  if (args.length <= start) return template;
  let out = '';
  let next = start;
  let last = 0;
  const n = template.length;
  for (let i = 0; i < n - 1; i++) {
    if (template.charCodeAt(i) !== 37) continue;
    const code = template.charCodeAt(i + 1);
    let piece: string | undefined;
    if (code === 37) {
      piece = '%';
    } else if (next < args.length) {
      const arg = args[next];
      switch (code) {
        case 115: // s
          piece = typeof arg === 'object' && arg !== null ? json(arg) : String(arg);
          break;
        case 100: // d
        case 105: // i
          piece = typeof arg === 'bigint' ? String(arg) : String(integerOrNot(code, toNumber(arg)));
          break;
        case 102: // f
          piece = String(toNumber(arg));
          break;
        case 106: // j
        case 111: // o
        case 79: // O
          piece = json(arg);
          break;
      }
      if (piece !== undefined) next++;
    }
    if (piece === undefined) continue;
    out += template.slice(last, i) + piece;
    last = i + 2;
    i++;
  }
  out += template.slice(last);
  for (; next < args.length; next++) {
    const arg = args[next];
    out += ` ${typeof arg === 'object' && arg !== null ? json(arg) : String(arg)}`;
  }
  return out;
}

/**
 * `Number(arg)` without ever throwing: a null-prototype object, a symbol or a
 * `valueOf` that throws becomes `NaN`, because a log call must not fail on its
 * arguments.
 */
function toNumber(arg: unknown): number {
  if (typeof arg === 'number') return arg;
  if (typeof arg === 'symbol') return Number.NaN;
  try {
    return Number(arg);
  } catch {
    return Number.NaN;
  }
}

function integerOrNot(code: number, n: number): number {
  return code === 105 ? Math.trunc(n) : n;
}
