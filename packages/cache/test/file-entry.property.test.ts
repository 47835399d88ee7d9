import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonSerializer } from '../src/serializer.js';
import type { CacheEntry } from '../src/tier.js';
import { decodeEntry, encodeEntry } from '../src/tiers/file/entry-file.js';

const entry: fc.Arbitrary<CacheEntry> = fc.record({
  value: fc.jsonValue().filter((value) => value !== null),
  createdAt: fc.integer(),
  freshUntil: fc.integer(),
  staleUntil: fc.integer(),
  ttl: fc.nat(),
  tags: fc.array(fc.string()),
});

describe('fileTier entry files', () => {
  it('read back the key and entry they were written with', () => {
    fc.assert(
      fc.property(fc.string(), entry, (key, written) => {
        // Through JSON, as the file holds it: -0 reads back as 0, like any JSON round trip.
        const value = JSON.parse(JSON.stringify(written.value)) as unknown;
        expect(decodeEntry(jsonSerializer, encodeEntry(jsonSerializer, key, written))).toEqual({
          key,
          entry: { ...written, value },
        });
      }),
    );
  });

  it('read as nothing when the contents are not an entry file', () => {
    const good = JSON.parse(
      encodeEntry(jsonSerializer, 'k', {
        value: 1,
        createdAt: 0,
        freshUntil: 1,
        staleUntil: 2,
        ttl: 1,
        tags: [],
      }),
    );
    const broken = [
      '{not json',
      'null',
      '[]',
      JSON.stringify({ ...good, k: 1 }),
      JSON.stringify({ ...good, v: undefined }),
      JSON.stringify({ ...good, c: '0' }),
      JSON.stringify({ ...good, f: null }),
      JSON.stringify({ ...good, s: '2' }),
      JSON.stringify({ ...good, l: '1' }),
      JSON.stringify({ ...good, t: 'tag' }),
    ];
    for (const raw of broken) expect(decodeEntry(jsonSerializer, raw)).toBeUndefined();
  });
});
