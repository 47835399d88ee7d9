import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fingerprintError,
  isBallastError,
  normalizeError,
  serializeError,
  toProblemDetails,
  toUserMessage,
} from '../src/index.js';
import { thrown } from './arbitraries.js';

describe('total functions over anything thrown', () => {
  it('normalizeError never throws and always gives a JSON-stringifiable Ballast error', () => {
    fc.assert(
      fc.property(thrown, (value) => {
        const err = normalizeError(value);
        expect(isBallastError(err)).toBe(true);
        if (err !== value) expect(err.cause).toBe(value);
        const json = JSON.stringify(err);
        expect(JSON.parse(json).code).toBe(err.code);
      }),
    );
  });

  it('serializeError never throws and its output survives a JSON round trip unchanged', () => {
    fc.assert(
      fc.property(thrown, (value) => {
        const out = serializeError(value);
        expect(typeof out.name).toBe('string');
        expect(typeof out.message).toBe('string');
        expect(JSON.parse(JSON.stringify(out))).toEqual(out);
      }),
    );
  });

  it('toProblemDetails, toUserMessage and fingerprintError never throw', () => {
    fc.assert(
      fc.property(thrown, (value) => {
        expect(JSON.parse(JSON.stringify(toProblemDetails(value))).status).toBeGreaterThanOrEqual(400);
        expect(typeof toUserMessage(value)).toBe('string');
        expect(fingerprintError(value)).toMatch(/^[0-9a-f]{16}$/);
      }),
    );
  });
});

describe('the generator', () => {
  it('plants cycles, so the properties above do meet them', () => {
    const samples = fc.sample(thrown, { numRuns: 300, seed: 7 });
    const circular = samples.filter((value) => JSON.stringify(serializeError(value)).includes('[Circular]'));
    expect(circular.length).toBeGreaterThan(10);
  });
});
