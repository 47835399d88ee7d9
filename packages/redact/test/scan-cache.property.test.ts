import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRedaction, createRedactor, DEFAULT_PATTERNS } from '../src/index.js';
import { plants } from './fixtures/planted-secrets.js';

/** Text around a planted secret: a stack-like prefix, so strings run past the short-string cache. */
const frames = fc
  .array(
    fc.constantFrom(
      '    at handler (file:///app/dist/server.js:10:5)\n',
      '    at async run (node:internal/x:1:1)\n',
    ),
    {
      maxLength: 12,
    },
  )
  .map((lines) => lines.join(''));
const planted = fc.nat({ max: 10_000 }).map((seed) => {
  const [plant] = plants(seed, 1);
  return typeof plant!.value === 'string' ? plant!.value : JSON.stringify(plant!.value);
});
const texts = fc.array(
  fc.oneof(
    fc.tuple(frames, planted).map(([a, b]) => a + b),
    fc.tuple(frames, fc.string()).map(([a, b]) => a + b),
    planted,
    fc.constant('12345678:AAbcdefghijklmnopqrstuvwxyz012345678'),
  ),
  { minLength: 1, maxLength: 8 },
);

describe('the clean-string caches of a scanner', () => {
  it('never change an answer: a scanner that has seen the strings before redacts them as a fresh one', () => {
    const warm = compileRedaction();
    fc.assert(
      fc.property(texts, (strings) => {
        for (const round of [0, 1]) {
          for (const s of strings) {
            const fresh = compileRedaction().scanText(s);
            expect(warm.scanText(s), `round ${round}`).toBe(fresh);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('never keep a secret that one string of the same length hid from another', () => {
    const redact = createRedactor();
    const frame = '    at handler (file:///app/dist/server.js:10:5)\n'.repeat(8);
    const clean = `${frame}ok ${'x'.repeat(27)}`;
    const secret = `${frame}ok Bearer abcdefghij1234567890`;
    expect(secret.length).toBe(clean.length);
    expect(redact(clean)).toBe(clean);
    expect(redact(secret)).toBe(`${frame}ok Bearer [REDACTED]`);
    expect(redact(clean)).toBe(clean);
  });

  it('gate the Telegram pattern on `:A`, which every one of its matches holds', () => {
    const telegram = DEFAULT_PATTERNS.find((p) => p.name === 'telegram-bot-token')!;
    fc.assert(
      fc.property(
        fc.stringMatching(/^[\w:/ -]{0,60}$/),
        fc.stringMatching(/^\d{5,16}:A[\w-]{34}$/),
        (a, token) => {
          const found = `${a} ${token}`.match(new RegExp(telegram.regex.source, 'g')) ?? [];
          for (const match of found) expect(match.includes(':A')).toBe(true);
          expect(compileRedaction().scanText(`bot ${token}`)).not.toContain(token);
        },
      ),
    );
  });
});
