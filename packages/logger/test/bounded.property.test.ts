import { NotFoundError, normalizeError, serializeError, toProblemDetails } from '@ballast/errors';
import { createLogger } from '@ballast/logger';
import { createRedactor, DEFAULT_LIMITS } from '@ballast/redact';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memorySink } from './helpers.js';

const { maxArrayLength, maxKeys, maxStringLength, maxTotalLength } = DEFAULT_LIMITS;
/** The longest a marker or a cut string's tail can be. */
const MARKER = 40;

/**
 * Checks the shape limits on a parsed output: no array longer than maxArrayLength items
 * plus its marker, no object with more than maxKeys keys plus its marker, no string longer
 * than maxStringLength plus its marker. `lineKeys`: the keys a log line adds at its top.
 */
function expectBounded(value: unknown, lineKeys = 0): void {
  if (typeof value === 'string') {
    expect(value.length).toBeLessThanOrEqual(maxStringLength + MARKER);
  } else if (Array.isArray(value)) {
    expect(value.length).toBeLessThanOrEqual(maxArrayLength + 1);
    for (const item of value) expectBounded(item);
  } else if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value);
    expect(keys.length).toBeLessThanOrEqual(maxKeys + 1 + lineKeys);
    for (const key of keys) expectBounded((value as Record<string, unknown>)[key]);
  }
}

/** Made on demand: fast-check would itself walk a 2³²−1-long array or a lying proxy. */
const HUGE: readonly (() => unknown)[] = [
  () => new Array(2 ** 32 - 1),
  () => {
    const ids = new Array<unknown>(1e8);
    ids[5] = { token: 'secret-value' };
    return ids;
  },
  () => new Proxy([], { get: (t, k) => (k === 'length' ? 1e9 : Reflect.get(t, k)) }),
  () =>
    new Proxy(
      { a: 1 },
      {
        ownKeys: () => Array.from({ length: 5000 }, (_, i) => `k${i}`),
        getOwnPropertyDescriptor: () => ({ value: 1, enumerable: true, configurable: true }),
        get: () => 'x',
      },
    ),
  () => Buffer.alloc(1 << 20),
  () => new Set(Array.from({ length: 3000 }, (_, i) => i)),
  () => 'y'.repeat(maxStringLength * 3),
];

class Huge {
  constructor(readonly kind: number) {}
}

function plant(value: unknown): unknown {
  if (value instanceof Huge) return HUGE[value.kind % HUGE.length]!();
  if (Array.isArray(value)) return value.map(plant);
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plant(v)]));
  }
  return value;
}

const hugeSlot = fc.nat().map((kind) => new Huge(kind));
const arbValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.anything({ maxDepth: 2 }),
    hugeSlot,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string(), tie('value'), { maxKeys: 4 }),
  ),
})).value;

const redact = createRedactor();

describe('bounded work on hostile values', () => {
  it('logs, redacts and serializes any value, huge-length arrays and lying proxies included, within bounded size', () => {
    fc.assert(
      fc.property(arbValue, (generated) => {
        const value = plant(generated);
        const sink = memorySink();
        const logger = createLogger({ sinks: [sink] });
        logger.info({ value }, 'm');
        logger.info(value as object);
        logger.error(new NotFoundError('x', { details: { value } }));
        const outputs = [
          ...sink.raw,
          JSON.stringify(redact(value)),
          JSON.stringify(serializeError(new NotFoundError('x', { details: { value }, cause: value }))),
          JSON.stringify(serializeError(value)),
          JSON.stringify(normalizeError(value)),
          JSON.stringify(toProblemDetails(new NotFoundError('x', { details: { value } }))),
        ];
        for (const output of outputs) {
          const json = output ?? 'null'; // JSON.stringify(undefined) is undefined
          expect(json.length).toBeLessThanOrEqual(3 * maxTotalLength);
          expectBounded(JSON.parse(json), 8);
        }
        expect(sink.raw.join('')).not.toContain('secret-value');
      }),
      { numRuns: 25 },
    );
  });

  it('handles a 2³²−1-long sparse array in the logger, the redactor and the serializers, with a bounded line', () => {
    const ids = new Array<unknown>(2 ** 32 - 1);
    ids[2] = 'two';
    const sink = memorySink();
    const logger = createLogger({ sinks: [sink] });
    logger.info({ ids }, 'sparse');
    logger.error(new NotFoundError('x', { details: { ids } }));
    const line = sink.lines[0] as { ids: unknown[] };
    expect(line.ids).toHaveLength(maxArrayLength + 1);
    expect(line.ids[2]).toBe('two');
    expect(line.ids.at(-1)).toBe('[… 4,294,966,295 more items]');
    const outputs = [
      ...sink.raw,
      JSON.stringify(redact({ ids })),
      JSON.stringify(serializeError(new NotFoundError('x', { details: { ids } }))),
      JSON.stringify(serializeError(ids)),
      JSON.stringify(normalizeError(ids)),
    ];
    for (const json of outputs) {
      expect(json.length).toBeLessThan(20_000);
      expect(json).toContain('4,294,96');
    }
  });

  it('summarises a Buffer passed as the first argument instead of writing each byte as a key', () => {
    const sink = memorySink();
    const logger = createLogger({ sinks: [sink] });
    logger.info(Buffer.alloc(1 << 20), 'upload');
    logger.info({ body: new Uint16Array(4) });
    expect(sink.lines[0]).toMatchObject({ value: '[Buffer: 1048576 bytes]', msg: 'upload' });
    expect(sink.lines[1]).toMatchObject({ body: '[Uint16Array: 8 bytes]' });
    expect(sink.raw[0]!.length).toBeLessThan(200);
  });

  it('cuts long strings and wide objects in a line, with a marker', () => {
    const sink = memorySink();
    const logger = createLogger({ sinks: [sink] });
    const wide = Object.fromEntries(Array.from({ length: maxKeys + 5 }, (_, i) => [`k${i}`, i]));
    logger.info({ text: 'z'.repeat(maxStringLength + 10), wide, map: new Map(Object.entries(wide)) });
    const line = sink.lines[0] as Record<string, Record<string, unknown>> & { text: string };
    expect(line.text).toBe(`${'z'.repeat(maxStringLength)}…[… 10 more chars]`);
    expect(line.wide!['…']).toBe('[… 5 more keys]');
    expect(line.map!['…']).toBe('[… 5 more keys]');
    logger.info(wide);
    expect(sink.lines[1]!['…']).toBe('[… 5 more keys]');
  });

  it('stops a line at its budget, a subtree shared many times included', () => {
    let node: unknown = 'leaf';
    for (let i = 0; i < 12; i++) node = Array.from({ length: 50 }, () => node); // 50¹² leaves
    const sink = memorySink();
    createLogger({ sinks: [sink] }).info({ node });
    expect(sink.raw[0]!.length).toBeLessThanOrEqual(3 * maxTotalLength);
    expect(sink.raw[0]).toMatch(/more items\]"\]/);
  });

  it('writes what a hostile value leaves readable, within the limits, when the fast writer throws', () => {
    const sink = memorySink();
    const logger = createLogger({ sinks: [sink] });
    const ids = new Array<unknown>(2 ** 32 - 1);
    ids[0] = Object.defineProperty({}, 'boom', {
      enumerable: true,
      get() {
        throw new Error('no');
      },
    });
    logger.info({ ids, note: 'kept' });
    const line = sink.lines[0] as { ids: unknown[]; note: string };
    expect(line.ids[0]).toEqual({ boom: '[Unserializable]' });
    expect(line.ids).toHaveLength(maxArrayLength + 1);
    expect(line.note).toBe('kept');
  });
});
