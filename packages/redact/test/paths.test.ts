import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRedactor } from '../src/index.js';
import { parsePath, WILDCARD } from '../src/internal/path-parser.js';

const pathsOnly = (paths: string[], extra: object = {}) =>
  createRedactor({ paths, keys: false, patterns: false, ...extra });

describe.each([
  ['paths only (normalize: false)', pathsOnly],
  [
    'full walk (normalize: true)',
    (paths: string[], extra: object = {}) => pathsOnly(paths, { normalize: true, ...extra }),
  ],
])('paths, %s', (_mode, make) => {
  it('redacts a dotted path and leaves siblings alone', () => {
    const redact = make(['a.b']);
    expect(redact({ a: { b: 'x', c: 'y' }, d: 1 })).toEqual({ a: { b: '[REDACTED]', c: 'y' }, d: 1 });
  });

  it('redacts bracketed keys with quotes and escapes', () => {
    const redact = make(['headers["x-api"]', "h['it\\'s']"]);
    expect(redact({ headers: { 'x-api': 'k', other: 1 }, h: { "it's": 2 } })).toEqual({
      headers: { 'x-api': '[REDACTED]', other: 1 },
      h: { "it's": '[REDACTED]' },
    });
  });

  it('redacts array indices', () => {
    const redact = make(['list[1].secret']);
    expect(redact({ list: [{ secret: 1 }, { secret: 2 }] })).toEqual({
      list: [{ secret: 1 }, { secret: '[REDACTED]' }],
    });
  });

  it('redacts through a leading wildcard', () => {
    const redact = make(['*.password']);
    expect(redact({ a: { password: 1 }, b: { password: 2, x: 3 }, c: 4 })).toEqual({
      a: { password: '[REDACTED]' },
      b: { password: '[REDACTED]', x: 3 },
      c: 4,
    });
  });

  it('redacts wildcards at depth three and more', () => {
    const redact = make(['a.b.c.*.d']);
    expect(redact({ a: { b: { c: { x: { d: 1, e: 2 }, y: { d: 3 } } } } })).toEqual({
      a: { b: { c: { x: { d: '[REDACTED]', e: 2 }, y: { d: '[REDACTED]' } } } },
    });
  });

  it('handles several wildcards in one path', () => {
    const redact = make(['*.*.token', 'items[*].tags[*]']);
    expect(redact({ a: { b: { token: 1, k: 2 } }, items: [{ tags: ['x', 'y'] }, { tags: [] }] })).toEqual({
      a: { b: { token: '[REDACTED]', k: 2 } },
      items: [{ tags: ['[REDACTED]', '[REDACTED]'] }, { tags: [] }],
    });
  });

  it('combines overlapping literal and wildcard paths', () => {
    const redact = make(['a.b.c', 'a.*.d', '*.b.e']);
    expect(redact({ a: { b: { c: 1, d: 2, e: 3, f: 4 }, z: { d: 5, c: 6 } } })).toEqual({
      a: { b: { c: '[REDACTED]', d: '[REDACTED]', e: '[REDACTED]', f: 4 }, z: { d: '[REDACTED]', c: 6 } },
    });
  });

  it('censors a parent path whole when a path below it is also listed, in either order', () => {
    // fast-redact 3.5 throws on ['*.b[0]', '*.b'] when it restores the object.
    for (const paths of [
      ['*.b[0]', '*.b'],
      ['*.b', '*.b[0]'],
      ['a.b.c', 'a.b'],
      ['a.*.c', 'a.b'],
    ]) {
      for (const remove of [false, true]) {
        const value = { a: { b: { 0: 'x', c: 1 } } };
        expect(make(paths, { remove })(value)).toEqual({ a: remove ? {} : { b: '[REDACTED]' } });
        expect(value).toEqual({ a: { b: { 0: 'x', c: 1 } } });
      }
    }
  });

  it('redacts whole subtrees at a terminal wildcard', () => {
    const redact = make(['a.*']);
    expect(redact({ a: { x: { deep: 1 }, y: 2 }, b: 3 })).toEqual({
      a: { x: '[REDACTED]', y: '[REDACTED]' },
      b: 3,
    });
  });

  it('never calls the censor for missing paths', () => {
    const censor = vi.fn(() => 'gone');
    const redact = make(['a.b', 'x.*.y', 'q[3]'], { censor });
    expect(redact({ a: {}, x: { k: { z: 1 } }, q: [1] })).toEqual({ a: {}, x: { k: { z: 1 } }, q: [1] });
    expect(redact('string')).toBe('string');
    expect(redact({ a: 'not an object' })).toEqual({ a: 'not an object' });
    expect(censor).not.toHaveBeenCalled();
  });

  it('does not censor through a wildcard whose path does not exist (fast-redact does)', () => {
    const redact = make(['*[*].a[0]']);
    const input = { a: [''] };
    expect(redact(input)).toBe(input);
  });

  it('leaves null values alone: there is nothing to hide', () => {
    const redact = make(['a', '*.b']);
    expect(redact({ a: null, x: { b: null } })).toEqual({ a: null, x: { b: null } });
  });

  it('passes the value and the concrete path to a censor function', () => {
    const censor = vi.fn((value: unknown, path: readonly string[]) => `${path.join('/')}=${typeof value}`);
    const redact = make(['*.list[*].pin'], { censor });
    expect(redact({ u: { list: [{ pin: 1 }, { pin: 'x' }] } })).toEqual({
      u: { list: [{ pin: 'u/list/0/pin=number' }, { pin: 'u/list/1/pin=string' }] },
    });
  });

  it('passes correct paths when the censor function re-enters the redactor', () => {
    const seen: string[] = [];
    const self: { redact: (value: unknown) => unknown } = { redact: (value) => value };
    self.redact = make(['a.*.s', 'x.y.s'], {
      censor: (value: unknown, path: readonly string[]) => {
        seen.push(path.join('.'));
        if (value === 'outer') self.redact({ x: { y: { s: 'inner' } } });
        return '*';
      },
    });
    self.redact({ a: { p: { s: 'outer' }, q: { s: 'next' } } });
    expect(seen).toEqual(['a.p.s', 'x.y.s', 'a.q.s']);
  });

  it('removes keys, and empties array elements (JSON null) as fast-redact does, with remove: true', () => {
    const redact = make(['a.b', 'list[1]', 'w.*'], { remove: true });
    expect(redact({ a: { b: 1, c: 2 }, list: ['x', 'y', 'z'], w: { k: 1 } })).toEqual({
      a: { c: 2 },
      list: ['x', undefined, 'z'],
      w: {},
    });
  });

  it('never mutates the input and shares untouched subtrees', () => {
    const input = { a: { b: 'secret' }, other: { deep: [1, 2] } };
    const snapshot = structuredClone(input);
    const out = make(['a.b'])(input) as typeof input;
    expect(input).toEqual(snapshot);
    expect(out.other).toBe(input.other);
    expect(out).not.toBe(input);
  });

  it('returns the input itself when nothing matches', () => {
    const input = { a: { c: 1 } };
    expect(make(['a.b'])(input)).toBe(input);
  });

  it('keeps an own __proto__ key as data', () => {
    const input = JSON.parse('{"__proto__": {"x": 1}, "a": {"b": 2}}');
    const out = make(['a.b', '["__proto__"].x'])(input);
    expect(JSON.stringify(out)).toBe('{"__proto__":{"x":"[REDACTED]"},"a":{"b":"[REDACTED]"}}');
  });
});

describe('literal paths without code generation', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('falls back to the generic walk when the runtime forbids new Function', () => {
    vi.stubGlobal(
      'Function',
      vi.fn(() => {
        throw new EvalError('Code generation from strings disallowed for this context');
      }),
    );
    const redact = createRedactor({ paths: ['a.b', 'c'], keys: false, patterns: false });
    vi.unstubAllGlobals();
    expect(redact({ a: { b: 1, k: 2 }, c: 3 })).toEqual({ a: { b: '[REDACTED]', k: 2 }, c: '[REDACTED]' });
  });

  it('compiles keys with quotes, backslashes, line separators and __proto__ safely', () => {
    const weird = 'we"ird\\key\u2028';
    const redact = createRedactor({
      paths: [`a[${JSON.stringify(weird)}]`, 'b["__proto__"]'],
      keys: false,
      patterns: false,
      remove: true,
    });
    const input = { a: { [weird]: 1, ok: 2 }, b: JSON.parse('{"__proto__": 1, "k": 2}') };
    expect(JSON.stringify(redact(input))).toBe('{"a":{"ok":2},"b":{"k":2}}');
    expect(Object.getPrototypeOf((redact(input) as { b: object }).b)).toBe(Object.prototype);
  });

  it('compiles hash and function censors too', () => {
    const hashed = createRedactor({
      paths: ['a.b'],
      keys: false,
      patterns: false,
      censor: 'hash',
      hashKey: 'k',
    });
    expect((hashed({ a: { b: 'x' } }) as { a: { b: string } }).a.b).toMatch(/^\[REDACTED:[0-9a-f]{8}\]$/);
    const fn = createRedactor({
      paths: ['a["x-y"][0]'],
      keys: false,
      patterns: false,
      censor: (_v, p) => p.join('/'),
    });
    expect(fn({ a: { 'x-y': ['s', 't'] } })).toEqual({ a: { 'x-y': ['a/x-y/0', 't'] } });
  });
});

describe('path syntax errors', () => {
  it.each([
    ['', 0, 'empty'],
    ['a..b', 2, 'empty key name'],
    ['.a', 0, 'cannot start'],
    ['a.', 2, 'ends with'],
    ['a.b-c', 3, 'expected "." or "["'],
    ['a[', 2, 'expected an index'],
    ['a[x]', 2, 'expected an index'],
    ['a[0', 3, 'expected "]"'],
    ['a["x', 1, 'unterminated'],
    ['a["x\\', 4, 'dangling'],
    ['a.[0]', 2, 'after "."'],
    ['a b', 1, 'expected "." or "["'],
    ['-a', 0, 'quote such keys'],
  ])('rejects %j naming position %i', (path, position, problem) => {
    expect(() => createRedactor({ paths: [path] })).toThrowError(
      expect.objectContaining({
        name: 'ConfigurationError',
        code: 'INVALID_CONFIGURATION',
        details: { option: 'paths', path, position },
        message: expect.stringContaining(problem),
      }),
    );
  });

  it('names the path and the position in the message', () => {
    expect(() => createRedactor({ paths: ['ok', 'user..name'] })).toThrow(
      'Invalid redaction path "user..name" at position 5',
    );
  });

  it('accepts unicode and $ identifiers and numeric brackets', () => {
    const redact = createRedactor({ paths: ['$ctx.ünïcode', 'arr[10]'], keys: false, patterns: false });
    const arr = Array.from({ length: 11 }, (_, i) => i);
    expect(redact({ $ctx: { ünïcode: 1 }, arr })).toEqual({
      $ctx: { ünïcode: '[REDACTED]' },
      arr: [...arr.slice(0, 10), '[REDACTED]'],
    });
  });
});

describe('parsePath', () => {
  it('returns the segments createRedactor walks: keys, indices as strings, WILDCARD', () => {
    expect(parsePath('a.b')).toEqual(['a', 'b']);
    expect(parsePath(`a["x-y"].c['q\\'s'][07][*].*`)).toEqual([
      'a',
      'x-y',
      'c',
      "q's",
      '7',
      WILDCARD,
      WILDCARD,
    ]);
  });

  it('throws the same positioned error as createRedactor', () => {
    expect(() => parsePath('a..b')).toThrow(/position 2/);
  });
});
