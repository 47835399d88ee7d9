import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRedactor, DEFAULT_PATTERNS } from '../src/index.js';
import { githubChecksumValid } from '../src/internal/token-checksum.js';
import { githubToken, innocentPlant, seeded, VENDOR_TOKENS } from './fixtures/planted-secrets.js';

const redact = createRedactor();
const numRuns = Number(process.env.FC_RUNS ?? 100);

/** Text around a token, as services write it: words, quotes, `=`, `:`, JSON, URLs, escapes. */
const before = fc.constantFrom(
  '',
  ' ',
  'key=',
  'token: ',
  '"',
  "'",
  '(',
  '[',
  '{"k":"',
  'https://x.io/a?k=',
  '\\n',
  '\\"',
  '%3D',
  'text ',
  '\t',
  '\n',
  '<',
  ',',
);
const after = fc.constantFrom(
  '',
  ' ',
  '"',
  "'",
  ')',
  ']',
  '"}',
  '&page=2',
  '\\n',
  '\\"',
  ';',
  ',',
  '.',
  ' next',
  '\n',
  '>',
);
const filler = fc.stringMatching(/^[a-z ]{0,20}$/);

describe('vendor tokens', () => {
  for (const [name, generate] of Object.entries(VENDOR_TOKENS)) {
    it(`censors a generated ${name} wherever it sits in a string`, () => {
      fc.assert(
        fc.property(fc.integer(), filler, before, after, filler, (seed, head, open, close, tail) => {
          const token = generate(seeded(seed));
          const secret = name === 'slack-webhook' ? token.slice(token.indexOf('/services/') + 10) : token;
          const out = redact(`${head} ${open}${token}${close} ${tail}`) as string;
          expect(out).not.toContain(secret.slice(-12));
          expect(out).toContain('[REDACTED]');
        }),
        { numRuns },
      );
    });
  }

  it('recognises a GitHub token only when its checksum holds', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 4, max: 39 }), (seed, at) => {
        const token = githubToken(seeded(seed));
        expect(githubChecksumValid(token)).toBe(true);
        expect(redact(`t ${token}`)).toBe('t [REDACTED]');
        // One character changed: the checksum no longer holds, and the string is left alone.
        const swapped = token[at] === 'a' ? 'b' : 'a';
        const broken = token.slice(0, at) + swapped + token.slice(at + 1);
        expect(githubChecksumValid(broken)).toBe(false);
        expect(redact(`t ${broken}`)).toBe(`t ${broken}`);
      }),
      { numRuns },
    );
  });

  it('accepts the published example token and rejects a wrong length', () => {
    expect(githubChecksumValid('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')).toBe(true);
    expect(githubChecksumValid('ghp_wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO0pINU')).toBe(false);
  });

  it('leaves generated innocent look-alikes exactly as they were', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const { value } = innocentPlant(seeded(seed));
        expect(redact(value)).toEqual(value);
      }),
      { numRuns: numRuns * 5 },
    );
  });

  it('leaves a token prefix inside a longer word alone', () => {
    for (const text of [
      'desk_live_0123456789abcdef',
      'xghp_0123456789abcdefghijABCDEFGHIJ012345',
      'anpm_0123456789abcdefghijABCDEFGHIJ01234567',
    ]) {
      expect(redact(text)).toBe(text);
    }
  });

  it('names every default pattern once', () => {
    const names = DEFAULT_PATTERNS.map((pattern) => pattern.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
