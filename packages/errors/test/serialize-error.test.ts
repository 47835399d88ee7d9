import { describe, expect, it } from 'vitest';
import { NetworkError, NotFoundError, serializeError } from '../src/index.js';

describe('serializeError', () => {
  it('keeps name, message, Ballast fields and stack, omitting empty ones', () => {
    const out = serializeError(new NotFoundError('User 4 not found'));
    expect(out).toMatchObject({
      name: 'NotFoundError',
      message: 'User 4 not found',
      code: 'NOT_FOUND',
      category: 'not_found',
      status: 404,
      retryable: false,
    });
    expect(out.stack).toContain('NotFoundError: User 4 not found');
    expect(out).not.toHaveProperty('suggestions');
    expect(out).not.toHaveProperty('details');
    expect(out).not.toHaveProperty('docsUrl');
  });

  it("keeps a foreign error's own fields (Node's code, errno, syscall)", () => {
    const err = Object.assign(new Error('connect ECONNREFUSED'), {
      code: 'ECONNREFUSED',
      errno: -111,
      syscall: 'connect',
      fn: () => 1,
      missing: undefined,
    });
    const out = serializeError(err);
    expect(out).toMatchObject({ code: 'ECONNREFUSED', errno: -111, syscall: 'connect' });
    expect(out).not.toHaveProperty('fn');
    expect(out).not.toHaveProperty('missing');
  });

  it('follows the cause chain and AggregateError members', () => {
    const root = new Error('root');
    const agg = new AggregateError([new Error('a'), 'b'], 'many', { cause: root });
    const out = serializeError(new NetworkError('outer', { cause: agg }));
    const cause = out.cause as Record<string, unknown>;
    expect(cause.name).toBe('AggregateError');
    expect(cause.errors).toMatchObject([{ name: 'Error', message: 'a' }, 'b']);
    expect(cause.cause).toMatchObject({ message: 'root' });
  });

  it('marks cycles and truncates deep chains', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    const out = serializeError(a);
    expect((out.cause as Record<string, unknown>).cause).toBe('[Circular]');
    let deep: Error = new Error('0');
    for (let i = 1; i < 20; i++) deep = new Error(String(i), { cause: deep });
    expect(JSON.stringify(serializeError(deep, { maxDepth: 3 }))).toContain('[Truncated]');
    expect(JSON.stringify(serializeError(deep))).toContain('[Truncated]');
  });

  it('renders awkward values in details readably', () => {
    const details = {
      big: 10n,
      sym: Symbol('s'),
      fn: function named() {},
      anon: () => {},
      nan: Number.NaN,
      date: new Date(0),
      bad: new Date(Number.NaN),
      map: new Map<unknown, unknown>([
        ['k', 1],
        [2, 'two'],
      ]),
      set: new Set([1, 2]),
      buf: Buffer.from('secret'),
      ab: new ArrayBuffer(4),
      re: /x+/g,
      json: { toJSON: () => ({ shown: true }) },
      self: {
        toJSON() {
          return this;
        },
      },
      arr: [undefined, 1],
      ['__proto__']: 'plain key',
    };
    Object.defineProperty(details, '__proto__', { value: 'plain key', enumerable: true });
    const out = serializeError(new NotFoundError('x', { details }));
    expect(out.details).toMatchObject({
      big: '10n',
      sym: 'Symbol(s)',
      fn: '[Function: named]',
      nan: 'NaN',
      date: '1970-01-01T00:00:00.000Z',
      bad: 'Invalid Date',
      map: { k: 1, 2: 'two' },
      set: [1, 2],
      buf: '[Buffer: 6 bytes]',
      ab: '[ArrayBuffer: 4 bytes]',
      re: '/x+/g',
      json: { shown: true },
      self: {},
      arr: [null, 1],
    });
    expect((out.details as Record<string, unknown>).anon).toMatch(/^\[Function/);
    expect(Object.getPrototypeOf(out.details)).toBe(Object.prototype);
    const parsed = JSON.parse(JSON.stringify(out)).details;
    expect(Object.getOwnPropertyDescriptor(parsed, '__proto__')?.value).toBe('plain key');
  });

  it('replaces throwing getters and hostile proxies with [Unserializable]', () => {
    const err = new Error('m');
    Object.defineProperty(err, 'broken', {
      enumerable: true,
      get() {
        throw new Error('no');
      },
    });
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    const out = serializeError(new NotFoundError('x', { details: { hostile }, cause: err }));
    expect((out.cause as Record<string, unknown>).broken).toBe('[Unserializable]');
    expect((out.details as Record<string, unknown>).hostile).toBe('[Unserializable]');
  });

  it('describes non-errors as NonError with the value kept', () => {
    expect(serializeError('plain')).toEqual({ name: 'NonError', message: 'plain' });
    expect(serializeError({ a: 1 })).toEqual({
      name: 'NonError',
      message: 'A non-error object was thrown',
      value: { a: 1 },
    });
    expect(serializeError([1]).message).toBe('A non-error array was thrown');
    expect(serializeError(undefined)).toEqual({
      name: 'NonError',
      message: 'undefined was thrown',
      value: null,
    });
    expect(serializeError(3).message).toBe('A non-error number was thrown');
  });

  it('drops stacks on request', () => {
    expect(serializeError(new Error('x'), { stack: false })).not.toHaveProperty('stack');
    expect(serializeError(new Error('x'), { maxDepth: 0 })).toHaveProperty('stack');
  });

  it('applies the redactor to the whole serialized error', () => {
    const redact = (value: unknown) => JSON.parse(JSON.stringify(value).replaceAll('hunter2', '[REDACTED]'));
    const err = new NotFoundError('password hunter2 rejected', {
      details: { password: 'hunter2' },
      cause: new Error('hunter2'),
    });
    const out = JSON.stringify(serializeError(err, { redact }));
    expect(out).not.toContain('hunter2');
    expect(out).toContain('[REDACTED]');
  });

  it('never lets a failing redactor leak the unredacted error', () => {
    const out = serializeError(new Error('secret'), {
      redact: () => {
        throw new Error('boom');
      },
    });
    expect(out).toEqual({ name: 'Error', message: '[Redaction failed]' });
  });

  it('recognises errors from another realm by their tag', () => {
    const fake = { [Symbol.toStringTag]: 'Error', name: 'Error', message: 'other realm' };
    expect(serializeError(fake)).toMatchObject({ name: 'Error', message: 'other realm' });
  });
});
