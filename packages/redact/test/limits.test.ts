import { describe, expect, it } from 'vitest';
import {
  createRedactor,
  createSafeCopy,
  DEFAULT_LIMITS,
  MORE_KEYS,
  moreItems,
  moreKeys,
  truncateString,
} from '../src/index.js';

/** A sparse array of the largest length there is, with one element set. */
function hugeSparse(): unknown[] {
  const ids = new Array<unknown>(2 ** 32 - 1);
  ids[3] = 'third';
  return ids;
}

/** A proxy of an empty array that claims a billion elements. */
function lyingArray(length = 1e9): unknown[] {
  return new Proxy([], {
    get: (target, key) => (key === 'length' ? length : Reflect.get(target, key)),
  });
}

const redact = createRedactor();
const copy = createSafeCopy();

describe('limits: markers', () => {
  it('names what was left out, with thousands separators', () => {
    expect(moreItems(99_999_990)).toBe('[… 99,999,990 more items]');
    expect(moreItems(1)).toBe('[… 1 more item]');
    expect(moreKeys(1234)).toBe('[… 1,234 more keys]');
    expect(truncateString('abcdef', 3)).toBe('abc…[… 3 more chars]');
    expect(truncateString('abc', 3)).toBe('abc');
    expect(truncateString('ab', 3, 10)).toBe('ab…[… 10 more chars]');
  });

  it('never cuts a surrogate pair in two', () => {
    expect(truncateString('a😀b', 2)).toBe('a…[… 3 more chars]');
  });
});

describe('limits: the walk of createRedactor and createSafeCopy', () => {
  it('reads a 2³²−1-long sparse array up to maxArrayLength and says how many were left out', () => {
    for (const walk of [redact, copy]) {
      const out = walk({ ids: hugeSparse() }) as { ids: unknown[] };
      expect(out.ids).toHaveLength(DEFAULT_LIMITS.maxArrayLength + 1);
      expect(out.ids[3]).toBe('third');
      expect(out.ids.at(-1)).toBe(moreItems(2 ** 32 - 1 - DEFAULT_LIMITS.maxArrayLength));
      expect(JSON.stringify(out).length).toBeLessThan(10_000);
    }
  });

  it('believes no proxy about its length', () => {
    const small = createSafeCopy({ maxArrayLength: 10 });
    const out = small(lyingArray()) as unknown[];
    expect(out).toHaveLength(11);
    expect(out.at(-1)).toBe('[… 999,999,990 more items]');
    expect(out[0]).toBeNull();
  });

  it('keeps maxKeys keys of an object or Map, then one marker member', () => {
    const wide = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`k${i}`, i]));
    const narrow = createRedactor({ maxKeys: 10 });
    const out = narrow({ wide, map: new Map(Object.entries(wide)) }) as Record<
      string,
      Record<string, unknown>
    >;
    for (const value of [out.wide!, out.map!]) {
      expect(Object.keys(value)).toHaveLength(11);
      expect(value.k9).toBe(9);
      expect(value.k10).toBeUndefined();
      expect(value[MORE_KEYS]).toBe('[… 15 more keys]');
    }
  });

  it('keeps maxArrayLength items of a Set', () => {
    const out = createSafeCopy({ maxArrayLength: 3 })(new Set([1, 2, 3, 4, 5]));
    expect(out).toEqual([1, 2, 3, '[… 2 more items]']);
  });

  it('cuts long strings after censoring, finding a secret that straddles the cut', () => {
    const jwt =
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
    const text = `${'x'.repeat(95)} ${jwt} ${'y'.repeat(1000)}`;
    const out = createRedactor({ maxStringLength: 100 })(text) as string;
    expect(out).not.toContain(jwt.slice(0, 4));
    expect(out.startsWith(`${'x'.repeat(95)} [RED`)).toBe(true);
    expect(out).toMatch(/…\[… [\d,]+ more chars\]$/);
  });

  it('summarises binary data wherever it is, never byte by byte', () => {
    const big = Buffer.alloc(1 << 20);
    expect(redact(big)).toBe('[Buffer: 1048576 bytes]');
    expect(copy({ b: new Uint8Array(3), a: new ArrayBuffer(2) })).toEqual({
      b: '[Uint8Array: 3 bytes]',
      a: '[ArrayBuffer: 2 bytes]',
    });
  });

  it('stops at the budget of one call, a subtree shared many times included', () => {
    let node: unknown = 'leaf';
    for (let i = 0; i < 12; i++) node = Array.from({ length: 50 }, () => node); // 50¹² leaves
    const small = createRedactor({ maxTotalLength: 5000 });
    const json = JSON.stringify(small({ node }));
    expect(json.length).toBeLessThan(20_000);
    expect(json).toContain('[Truncated]');
    expect(json).toContain('more items]');
    // Keys after the one that spent the budget are left out, not kept as they were.
    const cut = small({ first: 'x'.repeat(6000), later: node }) as Record<string, unknown>;
    expect(cut).toEqual({ first: '[Truncated]', '…': '[… 1 more key]' });
  });

  it('walks a 2³²−1-long sparse array under a wildcard path by its own elements only', () => {
    const pathsOnly = createRedactor({ paths: ['ids[*].pin'], keys: false, patterns: false });
    const ids = hugeSparse();
    ids[7] = { pin: 1234 };
    const out = pathsOnly({ ids }) as { ids: unknown[] };
    expect(out.ids).toHaveLength(2 ** 32 - 1);
    expect(out.ids[7]).toEqual({ pin: '[REDACTED]' });
    expect(ids[7]).toEqual({ pin: 1234 });
  });

  it('takes Infinity for no limit, and refuses anything but a whole number ≥ 1', () => {
    const unbounded = createRedactor({ maxArrayLength: Number.POSITIVE_INFINITY });
    expect((unbounded(Array.from({ length: 1500 }, (_, i) => i)) as unknown[]).length).toBe(1500);
    // The value is shown as `invalidOption` of @ballast/errors shows it: NaN as NaN, not JSON's null.
    for (const [bad, shown] of [
      [0, '0'],
      [-1, '-1'],
      [1.5, '1.5'],
      ['10', '"10"'],
      [Number.NaN, 'NaN'],
    ]) {
      for (const name of ['maxArrayLength', 'maxKeys', 'maxStringLength', 'maxTotalLength']) {
        expect(() => createRedactor({ [name]: bad })).toThrow(`Invalid option ${name}: got ${shown};`);
        expect(() => createSafeCopy({ [name]: bad })).toThrow(/^Invalid option/);
      }
    }
  });
});

describe('createSafeCopy', () => {
  it('gives strict JSON stand-ins by default, and leaves them to JSON with strict: false', () => {
    const value = {
      big: 10n,
      fn: function named() {},
      sym: Symbol('s'),
      nan: Number.NaN,
      minusZero: -0,
      date: new Date(0),
      bad: new Date(Number.NaN),
      re: /x/g,
      undef: undefined,
      list: [undefined, 1],
    };
    expect(copy(value)).toEqual({
      big: '10n',
      fn: '[Function: named]',
      sym: 'Symbol(s)',
      nan: 'NaN',
      minusZero: 0,
      date: '1970-01-01T00:00:00.000Z',
      bad: 'Invalid Date',
      re: '/x/g',
      list: [null, 1],
    });
    expect(copy(() => 1)).toBe('[Function]');
    expect(copy(undefined)).toBeNull();
    const loose = createSafeCopy({ strict: false })(value) as Record<string, unknown>;
    expect(loose.big).toBe('10');
    expect(loose.date).toBe(value.date);
    expect(loose.fn).toBe(value.fn);
    expect('undef' in loose).toBe(true);
  });

  it('shows errors as describeError says, and marks one whose description throws', () => {
    const shown = createSafeCopy({ describeError: (error) => ({ kind: error.name, cause: error.cause }) });
    expect(shown({ e: new TypeError('x', { cause: 5n }) })).toEqual({
      e: { kind: 'TypeError', cause: '5n' },
    });
    const failing = createSafeCopy({
      describeError: () => {
        throw new Error('no');
      },
    });
    expect(failing([new Error('x')])).toEqual(['[Unserializable]']);
  });

  it('cuts at maxDepth, marks cycles, and refuses bad options', () => {
    const cyclic: Record<string, unknown> = { a: { b: { c: 1 } } };
    cyclic.self = cyclic;
    expect(createSafeCopy({ maxDepth: 1 })(cyclic)).toEqual({ a: { b: '[Truncated]' }, self: '[Circular]' });
    expect(() => createSafeCopy({ maxDepth: -1 })).toThrow(/maxDepth/);
    expect(() => createSafeCopy({ describeError: 'x' } as never)).toThrow(/describeError/);
    expect(() => createSafeCopy({ strict: 1 } as never)).toThrow(/strict/);
    expect(() => createSafeCopy({ maxdepth: 1 } as never)).toThrow(/did you mean maxDepth/);
    expect(() => createSafeCopy(null as never)).toThrow(/options/);
  });
});
