import { describe, expect, it } from 'vitest';
import { NotFoundError, normalizeError, serializeError, toProblemDetails } from '../src/index.js';

describe('bounded work on hostile values', () => {
  it('serializes and normalizes a 2³²−1-long sparse array and a lying proxy into a bounded output', () => {
    const ids = new Array<unknown>(2 ** 32 - 1);
    ids[1] = 'one';
    const liar = new Proxy([], { get: (t, k) => (k === 'length' ? 1e9 : Reflect.get(t, k)) });
    for (const value of [ids, liar]) {
      const outputs = [
        serializeError(new NotFoundError('x', { details: { value }, cause: value })),
        serializeError(value),
        normalizeError(value),
        toProblemDetails(new NotFoundError('x', { details: { value } })),
      ];
      for (const out of outputs) {
        const json = JSON.stringify(out);
        expect(json.length).toBeLessThan(20_000);
        expect(json).toMatch(/\[… [\d,]+ more items\]/);
      }
    }
    const details = serializeError(new NotFoundError('x', { details: { ids } })).details as {
      ids: unknown[];
    };
    expect(details.ids).toHaveLength(1001);
    expect(details.ids[1]).toBe('one');
    expect(details.ids.at(-1)).toBe('[… 4,294,966,295 more items]');
  });

  it('keeps the cause chain and error fields while it bounds them', () => {
    const inner = Object.assign(new Error('inner'), { list: Array.from({ length: 1500 }, (_, i) => i) });
    const out = serializeError(new Error('outer', { cause: inner }), { redact: false });
    const cause = out.cause as { message: string; list: unknown[] };
    expect(cause.message).toBe('inner');
    expect(cause.list).toHaveLength(1001);
    expect(cause.list.at(-1)).toBe('[… 500 more items]');
  });
});
