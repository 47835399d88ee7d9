import { describe, expect, it } from 'vitest';
import { createRedactor } from '../src/index.js';

const redact = createRedactor();

/** The error `run` throws, with the fields every Ballast error has. */
function thrown(run: () => unknown): Error & { suggestions: readonly string[]; details: object } {
  try {
    run();
  } catch (error) {
    return error as Error & { suggestions: readonly string[]; details: object };
  }
  throw new Error('expected an error');
}

describe('normalizing values', () => {
  it('marks cycles [Circular] but keeps shared references', () => {
    const shared = { n: 1 };
    const input: Record<string, unknown> = { a: shared, b: shared };
    input.self = input;
    const list: unknown[] = [1];
    list.push(list);
    input.list = list;
    const out = redact(input) as Record<string, unknown>;
    expect(out).toEqual({ a: { n: 1 }, b: { n: 1 }, self: '[Circular]', list: [1, '[Circular]'] });
    expect(out.a).toBe(shared);
    expect(input.self).toBe(input);
  });

  it('truncates objects nested deeper than maxDepth', () => {
    const r = createRedactor({ maxDepth: 2 });
    expect(r({ a: { b: { c: { d: 1 } } }, x: [[['deep']]] })).toEqual({
      a: { b: { c: '[Truncated]' } },
      x: [['[Truncated]']],
    });
  });

  it('expands Errors with name, message, stack, custom fields, cause and AggregateError members', () => {
    const cause = new TypeError('inner Bearer abcdef123456');
    const err = Object.assign(new Error('outer', { cause }), { code: 'E_X', password: 'p' });
    const agg = new AggregateError([new Error('one')], 'many');
    const out = redact({ err, agg }) as {
      err: Record<string, unknown> & { cause: Record<string, unknown> };
      agg: { errors: { message: string }[] };
    };
    expect(out.err).toMatchObject({ name: 'Error', message: 'outer', code: 'E_X', password: '[REDACTED]' });
    expect(out.err.stack).toContain('Error: outer');
    expect(out.err.cause).toMatchObject({ name: 'TypeError', message: 'inner Bearer [REDACTED]' });
    expect(out.err.cause.stack).toContain('inner Bearer [REDACTED]');
    expect(out.agg).toMatchObject({ name: 'AggregateError', message: 'many', errors: [{ message: 'one' }] });
    expect(JSON.parse(JSON.stringify(out)).err.message).toBe('outer');
  });

  it('redacts secrets in Error messages and stacks at the top level', () => {
    const out = redact(new Error('login with postgres://app:hunter2@db/app failed')) as Record<
      string,
      string
    >;
    expect(out.message).toBe('login with postgres://app:[REDACTED]@db/app failed');
    expect(out.stack).not.toContain('hunter2');
  });

  it('marks an error cause cycle [Circular]', () => {
    const err = new Error('loop');
    (err as { cause?: unknown }).cause = err;
    expect((redact(err) as Record<string, unknown>).cause).toBe('[Circular]');
  });

  it('turns a Map into an object keyed by String(key) and a Set into an array', () => {
    const out = redact({
      m: new Map<unknown, unknown>([
        ['token', 't'],
        [1, { password: 'p' }],
        ['__proto__', 'x'],
      ]),
      s: new Set(['Bearer abcdef123456', 2]),
    });
    expect(JSON.stringify(out)).toBe(
      '{"m":{"1":{"password":"[REDACTED]"},"token":"[REDACTED]","__proto__":"x"},"s":["Bearer [REDACTED]",2]}',
    );
  });

  it('names Map keys that cannot be stringified by their tag', () => {
    const out = redact(new Map([[Object.create(null), 1]]));
    expect(out).toEqual({ '[object Object]': 1 });
  });

  it('keeps Dates (JSON prints them as ISO strings)', () => {
    const at = new Date('2024-01-02T03:04:05.000Z');
    const input = { at };
    expect(redact(input)).toBe(input);
    expect(JSON.stringify(redact(input))).toBe('{"at":"2024-01-02T03:04:05.000Z"}');
  });

  it('summarises Buffers, typed arrays and ArrayBuffers instead of dumping them', () => {
    expect(
      redact({
        b: Buffer.from('secret'),
        u: new Uint16Array(4),
        a: new ArrayBuffer(3),
        d: new DataView(new ArrayBuffer(2)),
      }),
    ).toEqual({
      b: '[Buffer: 6 bytes]',
      u: '[Uint16Array: 8 bytes]',
      a: '[ArrayBuffer: 3 bytes]',
      d: '[DataView: 2 bytes]',
    });
  });

  it('walks class instances, copying to a plain object only when something changes', () => {
    class User {
      constructor(
        public name: string,
        public password: string,
      ) {}
    }
    class Point {
      constructor(public x: number) {}
    }
    const point = new Point(1);
    const out = redact({ u: new User('ada', 'p'), point }) as { u: object; point: Point };
    expect(out.u).toEqual({ name: 'ada', password: '[REDACTED]' });
    expect(out.point).toBe(point);
  });

  it('uses toJSON (with the key) and redacts its result', () => {
    const keys: string[] = [];
    const value = {
      toJSON(key: string) {
        keys.push(key);
        return { token: 't', ok: 1 };
      },
    };
    const primitive = { toJSON: () => 'Bearer abcdef123456' };
    const selfish = {
      token: 'x',
      toJSON() {
        return this;
      },
    };
    expect(redact({ value, primitive, selfish })).toEqual({
      value: { token: '[REDACTED]', ok: 1 },
      primitive: 'Bearer [REDACTED]',
      selfish: { token: '[REDACTED]', toJSON: selfish.toJSON },
    });
    expect(keys).toEqual(['value']);
  });

  it('marks throwing getters, toJSON and proxies [Unserializable]', () => {
    const getter = {
      ok: 1,
      get boom(): never {
        throw new Error('no');
      },
    };
    const badJSON = {
      toJSON() {
        throw new Error('no');
      },
    };
    const proxy = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('no');
        },
      },
    );
    const badArray = [1, 2];
    Object.defineProperty(badArray, 1, {
      get() {
        throw new Error('no');
      },
    });
    const late = {
      token: 'first change',
      get boom(): never {
        throw new Error('no');
      },
      after: 'kept',
    };
    expect(redact(late)).toEqual({ token: '[REDACTED]', boom: '[Unserializable]', after: 'kept' });
    const out = redact({ getter, badJSON, proxy, badArray });
    expect(out).toEqual({
      getter: { ok: 1, boom: '[Unserializable]' },
      badJSON: '[Unserializable]',
      proxy: '[Unserializable]',
      badArray: [1, '[Unserializable]'],
    });
  });

  it('marks hostile proxies [Unserializable] instead of throwing, wherever they are', () => {
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    const throwingGet = new Proxy(
      {},
      {
        get() {
          throw 1;
        },
      },
    );
    const errorProxy = new Proxy(new Error('x'), {
      getPrototypeOf() {
        throw new Error('gp');
      },
    });
    const lengthless = new Proxy([1, 2], {
      get(target, key) {
        if (key === 'length') throw new Error('no length');
        return Reflect.get(target, key);
      },
    });
    const input = {
      get: throwingGet,
      revoked: revocable.proxy,
      error: errorProxy,
      lengthless,
      map: new Proxy(new Map([['token', 't']]), {}),
      set: new Proxy(new Set([1]), {}),
      date: new Proxy(new Date(0), {}),
      boxed: new Proxy(new String('s'), {}),
      list: [revocable.proxy, 'Bearer abcdef123456'],
      ok: 1,
    };
    const out = redact(input);
    const U = '[Unserializable]';
    expect(out).toEqual({
      get: U,
      revoked: U,
      error: U,
      lengthless: U,
      map: U,
      set: U,
      date: U,
      boxed: U,
      list: [U, 'Bearer [REDACTED]'],
      ok: 1,
    });
    expect(() => JSON.stringify(out)).not.toThrow();
    expect(redact(revocable.proxy)).toBe(U);
    expect(redact(throwingGet)).toBe(U);
    expect(redact([errorProxy])).toEqual([U]);
  });

  it('honours toJSON on arrays, as JSON.stringify does', () => {
    const list = Object.assign(['kept'], { toJSON: () => ({ password: 'hunter2', n: 1 }) });
    const out = redact({ list });
    expect(JSON.stringify(out)).toBe('{"list":{"password":"[REDACTED]","n":1}}');
  });

  it('stringifies BigInts and unwraps boxed primitives', () => {
    expect(redact({ n: 10n, s: new String('Bearer abcdef123456'), b: new Boolean(true) })).toEqual({
      n: '10',
      s: 'Bearer [REDACTED]',
      b: true,
    });
  });

  it('keeps functions, symbols and undefined as they are', () => {
    const fn = () => 1;
    const input = { fn, sym: Symbol('s'), u: undefined, n: null, list: [undefined, null] };
    expect(redact(input)).toBe(input);
  });

  it('walks everything with normalize: true even for paths only', () => {
    const r = createRedactor({ paths: ['a'], keys: false, patterns: false, normalize: true });
    const input: Record<string, unknown> = { a: 1, b: 2n };
    input.c = input;
    expect(r(input)).toEqual({ a: '[REDACTED]', b: '2', c: '[Circular]' });
  });

  it('touches only the paths with normalize: false', () => {
    const r = createRedactor({ paths: ['a'], keys: false, patterns: false });
    const input: Record<string, unknown> = { a: 1, b: 2n };
    input.c = input;
    const out = r(input) as Record<string, unknown>;
    expect(out.a).toBe('[REDACTED]');
    expect(out.b).toBe(2n);
    expect(out.c).toBe(input);
  });

  it('is the identity with nothing to do', () => {
    const r = createRedactor({ keys: false, patterns: false, normalize: false });
    const input = { password: 'p' };
    expect(r(input)).toBe(input);
  });
});

describe('option validation', () => {
  it.each([
    [{ paths: 'a.b' }, 'paths'],
    [{ paths: [1] }, 'paths[0]'],
    [{ keys: 'token' }, 'keys'],
    [{ keys: [''] }, 'keys[0]'],
    [{ keys: ['-_'] }, 'keys[0]'],
    [{ defaultKeys: 'no' }, 'defaultKeys'],
    [{ patterns: /x/ }, 'patterns'],
    [{ patterns: ['x'] }, 'patterns[0]'],
    [{ patterns: [{ name: 'n', regex: /x/, group: -1 }] }, 'patterns[0]'],
    [{ patterns: [{ name: 'n', regex: 'x' }] }, 'patterns[0]'],
    [{ patterns: [{ name: 'n', regex: /x/, validate: 1 }] }, 'patterns[0]'],
    [{ patterns: [{ name: 'n', regex: /x/, hint: 1 }] }, 'patterns[0]'],
    [{ patterns: [{ name: 'n', regex: /x/, minLength: -1 }] }, 'patterns[0]'],
    [{ patterns: [null] }, 'patterns[0]'],
    [{ censor: 5 }, 'censor'],
    [{ remove: 1 }, 'remove'],
    [{ normalize: 'yes' }, 'normalize'],
    [{ normalize: false }, 'normalize'],
    [{ maxDepth: 0 }, 'maxDepth'],
    [{ maxDepth: 1.5 }, 'maxDepth'],
    [{ patterns: [{ name: 'p', regex: /pin=(\d{4})/, group: 3 }] }, 'patterns[0].group'],
    [{ patterns: [{ name: 'p', regex: /pin=\d{4}/, group: 1 }] }, 'patterns[0].group'],
  ])('rejects %j naming %s', (options, option) => {
    expect(() => createRedactor(options as never)).toThrowError(
      expect.objectContaining({
        name: 'ConfigurationError',
        code: 'INVALID_CONFIGURATION',
        category: 'configuration',
        details: expect.objectContaining({ option }),
        message: expect.stringContaining(`Invalid option ${option}`),
      }),
    );
  });

  it.each([
    [{ key: ['iban'] }, 'createRedactor.key'],
    [{ pattern: [/x/] }, 'createRedactor.pattern'],
    [{ censorship: 'x' }, 'createRedactor.censorship'],
  ])('rejects the unknown option in %j naming %s', (options, option) => {
    expect(() => createRedactor(options as never)).toThrowError(
      expect.objectContaining({
        name: 'ConfigurationError',
        code: 'INVALID_CONFIGURATION',
        category: 'configuration',
        details: expect.objectContaining({ option }),
        message: expect.stringContaining(`Unknown option ${option}`),
      }),
    );
  });

  it('rejects an unknown option, naming the option it was probably meant to be', () => {
    expect(() => createRedactor({ key: ['iban'] } as never)).toThrow(
      'Unknown option createRedactor.key (did you mean keys?): expected one of paths, keys, defaultKeys, patterns, defaultPatterns, censor, hashKey, remove, normalize, maxDepth, maxArrayLength, maxKeys, maxStringLength, maxTotalLength.',
    );
    expect(() => createRedactor({ defaultKey: false } as never)).toThrow(/did you mean defaultKeys\?/);
    expect(() => createRedactor({ Censor: 'x' } as never)).toThrow(/did you mean censor\?/);
    expect(() => createRedactor({ ptahs: ['a'] } as never)).toThrow(/did you mean paths\?/);
    expect(() => createRedactor({ serialize: true } as never)).not.toThrow(/did you mean/);
    expect(() => createRedactor({ serialize: true } as never)).toThrow(
      /^Unknown option createRedactor.serialize: /,
    );
  });

  it('suggests the rename, or removing the key, with the option and the intended one in details', () => {
    const error = thrown(() => createRedactor({ ptahs: ['a'] } as never));
    expect(error).toMatchObject({
      name: 'ConfigurationError',
      code: 'INVALID_CONFIGURATION',
      suggestions: ['Rename ptahs to paths.'],
      details: { option: 'createRedactor.ptahs', intended: 'paths' },
    });
    expect(thrown(() => createRedactor({ serialize: true } as never)).suggestions).toEqual([
      'Remove serialize.',
    ]);
  });

  it('never shows the value under an unknown key, which may be the secret itself', () => {
    for (const options of [{ hashkey: 'S3CRET' }, { hashKye: 'S3CRET' }, { secret: ['S3CRET'] }]) {
      const error = thrown(() => createRedactor(options as never));
      expect(JSON.stringify({ error, text: String(error), stack: error.stack })).not.toContain('S3CRET');
    }
    expect(thrown(() => createRedactor({ hashkey: 'S3CRET' } as never)).message).toContain(
      'createRedactor.hashkey (did you mean hashKey?)',
    );
  });

  it('rejects a capture group the regex does not have, which would leave the secret in place', () => {
    const pattern = { name: 'p', regex: /pin=(\d{4})/, group: 3 };
    expect(() => createRedactor({ patterns: [pattern] })).toThrow(
      /Invalid option patterns\[0\]\.group: got 3; expected a capture group of \/pin=\(\\d\{4\}\)\/, which has 1/,
    );
    const groups = /(?:a)(?<name>b)\((c)[(]/;
    expect(() => createRedactor({ patterns: [{ name: 'g', regex: groups, group: 2 }] })).not.toThrow();
    expect(() => createRedactor({ patterns: [{ name: 'g', regex: groups, group: 3 }] })).toThrow(
      /which has 2/,
    );
    const unicode = { name: 'u', regex: /(\p{L}+)=(\d)/u, group: 2 };
    expect(createRedactor({ defaultPatterns: false, patterns: [unicode] })('é=1')).toBe('é=[REDACTED]');
  });

  it('rejects a non-object options value', () => {
    expect(() => createRedactor(null as never)).toThrow('Invalid option options');
  });

  it('throws errors that @ballast/errors recognises by brand and category', () => {
    let thrown: unknown;
    try {
      createRedactor({ censor: 'hash' });
    } catch (error) {
      thrown = error;
    }
    expect((thrown as Record<symbol, unknown>)[Symbol.for('ballast.error')]).toBe(true);
    expect(thrown).toMatchObject({
      category: 'configuration',
      retryable: false,
      suggestions: [expect.any(String)],
    });
    expect(JSON.parse(JSON.stringify(thrown))).toMatchObject({ code: 'INVALID_CONFIGURATION', status: 500 });
  });
});
