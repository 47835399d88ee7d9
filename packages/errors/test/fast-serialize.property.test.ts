import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InternalError, NotFoundError, serializeError, ValidationError } from '../src/index.js';
import { fastSerialize } from '../src/internal/fast-serialize.js';
import { serializeByWalk } from '../src/serialize-error.js';
import { anythingWithCycles, thrown } from './arbitraries.js';

/** Strings the default patterns censor, and ones that look close but are not secrets. */
const secretish = fc.constantFrom(
  'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl',
  'postgres://app:hunter2@db.internal:5432/orders',
  'password=hunter2 retry=3',
  'card 4111 1111 1111 1111 declined',
  'AKIAIOSFODNN7EXAMPLE',
  'connect ECONNREFUSED 127.0.0.1:6379',
  'file:///app/dist/server.js:10:5',
  'sk_live_51H8abcdefghijklmnopqrstuvwx',
  '[REDACTED]',
  '',
);
const text = fc.oneof(fc.string(), secretish);
/** Keys as errors and details carry them: plain names, secret names, line-key look-alikes, odd ones. */
const key = fc.oneof(
  fc.constantFrom('orderId', 'password', 'token', 'apiKey', 'code', 'name', 'stack', 'rawHeaders', 'cause'),
  fc.constantFrom('__proto__', 'toJSON', 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl', '0'),
  fc.string({ maxLength: 12 }),
);
const leaf = fc.oneof(
  text,
  fc.integer(),
  fc.double(),
  fc.constantFrom(-0, 0, Number.NaN, Number.POSITIVE_INFINITY, true, false, null, undefined),
);
/** JSON-like values (the fast path's shape), with the occasional value it leaves to the walk. */
const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.dictionary(key, tie('tree'), { maxKeys: 5 }),
    fc.array(tie('tree'), { maxLength: 4 }),
    fc
      .dictionary(key, tie('tree'), { maxKeys: 3, noNullPrototype: false })
      .map((o) => Object.assign(Object.create(null), o)),
    fc.constantFrom(new Date(0), new Map([['a', 1]]), 10n, () => 1, Symbol('s')),
  ),
}));

/** Own fields given to an error, as `Object.assign` would (a getter now and then). */
const fields = fc.dictionary(key, tree, { maxKeys: 4 });

const plainError = fc.tuple(text, fields, fc.boolean()).map(([message, own, getter]) => {
  const err = Object.assign(new Error(message), own);
  if (getter) {
    Object.defineProperty(err, 'computed', { enumerable: true, get: () => `got ${message}` });
  }
  return err;
});

/** An error class with an enumerable field on its prototype (for-in would see it, Object.keys not). */
class ProtoFieldError extends Error {}
Object.defineProperty(ProtoFieldError.prototype, 'inherited', { value: 'password=x', enumerable: true });

const { chain } = fc.letrec((tie) => ({
  chain: fc.oneof(
    { depthSize: 'small' },
    plainError,
    fc.tuple(text, fields).map(([m, own]) => Object.assign(new ProtoFieldError(m), own)),
    fc
      .tuple(text, fc.dictionary(key, tree, { maxKeys: 4 }), fc.option(tie('chain'), { nil: undefined }))
      .map(
        ([message, details, cause]) =>
          new InternalError(message, { cause, details, suggestions: cause ? [] : ['retry', message] }),
      ),
    fc
      .tuple(text, fields, tie('chain'))
      .map(([message, own, cause]) => Object.assign(new Error(message, { cause }), own)),
    fc
      .tuple(fc.array(tie('chain'), { maxLength: 3 }), text)
      .map(([members, message]) => new AggregateError(members, message)),
    fc.tuple(text, tie('chain')).map(([message, cause]) => {
      const err = new NotFoundError(message, { cause });
      (err as { cause: unknown }).cause = { err, cause }; // a cycle through the cause
      return err;
    }),
  ),
}));

const OPTIONS = [{}, { redact: true }, { redact: false }, { stack: false }, { redact: false, stack: false }];

describe('the fast path of serializeError', () => {
  it('gives exactly what the full walk gives, whenever it answers', () => {
    fc.assert(
      fc.property(fc.oneof(chain, thrown), fc.constantFrom(...OPTIONS), (error, options) => {
        const walked = serializeByWalk(error, options);
        expect(serializeError(error, options)).toStrictEqual(walked);
        if (!(error instanceof Error)) return;
        const fast = fastSerialize(error, options.redact !== false, options.stack !== false);
        if (fast !== undefined) {
          expect(fast).toStrictEqual(walked);
          expect(JSON.stringify(fast)).toBe(JSON.stringify(walked));
        }
      }),
      { numRuns: 400 },
    );
  });

  it('gives the same as the walk for errors of one shape holding different values', () => {
    // Same key list each time (the shape cache answers), so only the values tell them apart.
    fc.assert(
      fc.property(
        fc.array(fc.tuple(text, tree, anythingWithCycles), { minLength: 2, maxLength: 6 }),
        (rows) => {
          for (const [message, value, extra] of rows) {
            const err = Object.assign(new Error(message), {
              code: 'E_SHAPE',
              password: value,
              note: value,
              extra,
            });
            expect(serializeError(err)).toStrictEqual(serializeByWalk(err, {}));
            expect(serializeError(err, { redact: false })).toStrictEqual(
              serializeByWalk(err, { redact: false }),
            );
          }
        },
      ),
    );
  });

  it('answers for the common errors (so the property above compares something)', () => {
    const system = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), {
      code: 'ECONNREFUSED',
      errno: -111,
      port: 6379,
    });
    const common = [
      new Error('plain'),
      system,
      new InternalError('Loading order 42 failed', { cause: system, details: { orderId: 42 } }),
      new ValidationError('bad', { details: { fields: ['email'], token: 'abc' } }),
      new AggregateError([system, new Error('b')], 'both'),
    ];
    for (const error of common) {
      for (const redact of [true, false]) expect(fastSerialize(error, redact, true)).toBeDefined();
    }
  });

  it('leaves to the walk what it does not know, and still censors what the walk censors', () => {
    const err = Object.assign(new Error('x'), {
      when: new Date(0),
      headers: new Map([['authorization', 'Bearer abcdefghijklmnop123']]),
      rawHeaders: ['Authorization', 'Basic dXNlcjpwYXNz'],
    });
    expect(fastSerialize(err, true, true)).toBeUndefined();
    const out = serializeError(err) as Record<string, unknown>;
    expect(out.headers).toEqual({ authorization: '[REDACTED]' });
    expect(out.rawHeaders).toEqual(['Authorization', '[REDACTED]']);
  });
});
