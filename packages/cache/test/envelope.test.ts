import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEntry, encodeEntry } from '../src/internal/envelope.js';
import { jsonSerializer, type Serializer } from '../src/serializer.js';
import type { CacheEntry } from '../src/tier.js';

const entry: CacheEntry = {
  value: { id: 42, name: 'Ada' },
  createdAt: 1_795_534_099_079,
  freshUntil: 1_795_537_699_079,
  staleUntil: 1_795_541_299_079,
  ttl: 3_600_000,
  tags: [],
};

const arbEntry = fc.record({
  value: fc.jsonValue(),
  createdAt: fc.oneof(
    fc.integer({ min: -1e15, max: 1e15 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
  ),
  freshUntil: fc.oneof(fc.integer({ min: 0, max: 1e13 }), fc.double({ min: 0, max: 1e21, noNaN: true })),
  staleUntil: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  ttl: fc.oneof(fc.nat(), fc.constant(2 ** 60), fc.constant(-0)),
  tags: fc.array(fc.string(), { maxLength: 4 }),
});

/** The envelope as versions before the header-first layout wrote it. */
function valueFirst(e: CacheEntry): string {
  return JSON.stringify({
    v: e.value,
    c: e.createdAt,
    f: e.freshUntil,
    s: e.staleUntil,
    l: e.ttl,
    t: e.tags,
  });
}

describe('entry envelope', () => {
  it('writes the header first and the value last', () => {
    expect(encodeEntry({ ...entry, tags: ['a'] }, jsonSerializer)).toBe(
      '{"c":1795534099079,"f":1795537699079,"s":1795541299079,"l":3600000,"t":["a"],"v":{"id":42,"name":"Ada"}}',
    );
  });

  it('reads back every entry it writes, and what older versions wrote', () => {
    fc.assert(
      fc.property(arbEntry, (e) => {
        const expected = JSON.parse(JSON.stringify(e)) as CacheEntry;
        expect(decodeEntry(encodeEntry(e, jsonSerializer), jsonSerializer)).toEqual(expected);
        expect(decodeEntry(valueFirst(e), jsonSerializer)).toEqual(expected);
      }),
    );
  });

  it('reads numbers with fractions and exponents, and tags that look like keys', () => {
    const odd = { ...entry, createdAt: 1.5, freshUntil: 1e21, staleUntil: -2.5e-7, tags: ['],"v":', '\\'] };
    expect(decodeEntry(encodeEntry(odd, jsonSerializer), jsonSerializer)).toEqual(odd);
  });

  it('returns undefined for what is not an envelope', () => {
    for (const raw of [
      '{not json',
      '{"v":1}',
      '"text"',
      'null',
      '{"c":1,"f":2,"s":3,"l":4,"t":[]}',
      '{"c":1,"f":2,"s":3,"l":4,"t":{},"v":1}',
      '{"c":0x10,"f":2,"s":3,"l":4,"t":[],"v":1}',
      '{"c":,"f":2,"s":3,"l":4,"t":[],"v":1}',
      '{"c":-,"f":2,"s":3,"l":4,"t":[],"v":1}',
      '{"c":1,"f":Infinity,"s":3,"l":4,"t":[],"v":1}',
      '{"c":1,"f":2,"s":3,"l":"4","t":[],"v":1}',
      '{"c":1,"f":2,"s":3,"l":4,"t":[],"v":{broken}',
      '{"c":1,"f":2,"s":3,"l":4,"t":[],"v":1',
    ]) {
      expect(decodeEntry(raw, jsonSerializer), raw).toBeUndefined();
    }
  });

  it('falls back to a full parse for a header it does not expect', () => {
    // Valid JSON the fast path does not take: whitespace, a number JSON allows but not as written.
    expect(decodeEntry('{"c": 1,"f":2,"s":3,"l":4,"t":[],"v":1}', jsonSerializer)).toMatchObject({
      createdAt: 1,
      value: 1,
    });
    expect(decodeEntry('{"c":1E2,"f":2,"s":3,"l":4,"t":[],"v":1}', jsonSerializer)).toMatchObject({
      createdAt: 100,
    });
  });

  it('uses a custom serializer for both directions', () => {
    const reversed: Serializer = {
      serialize: (value) => JSON.stringify(value).split('').reverse().join(''),
      deserialize: (raw) => JSON.parse(raw.split('').reverse().join('')),
    };
    const raw = encodeEntry(entry, reversed);
    expect(raw.endsWith('{')).toBe(true);
    expect(decodeEntry(raw, reversed)).toEqual(entry);
    expect(decodeEntry('}', reversed)).toBeUndefined();
  });
});
