import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorFromHttpResponse, fingerprintError, InternalError, isBallastError } from '../src/index.js';

const failure = (id: string) => new InternalError(`Order ${id} of user ${id} failed`);

describe('fingerprint and HTTP invariants', () => {
  it('gives one fingerprint to the same failure whatever numbers, hex ids, uuids or emails it names', () => {
    const hex = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 8, maxLength: 24 });
    const variable = fc.oneof(
      fc.nat().map(String),
      hex.filter((h) => /\d/.test(h)),
      fc.uuid(),
      fc.emailAddress(),
    );
    fc.assert(
      fc.property(variable, variable, (a, b) => {
        const [x, y] = [a, b].map((id) => failure(id));
        const kind = (id: string) => (/@/.test(id) ? 'email' : /-/.test(id) ? 'uuid' : 'number or hex id');
        fc.pre(kind(a) === kind(b));
        expect(fingerprintError(x)).toBe(fingerprintError(y));
      }),
    );
  });

  it('errorFromHttpResponse never throws and always gives a 4xx/5xx Ballast error', () => {
    const headers = fc.dictionary(fc.constantFrom('retry-after', 'content-type', 'x-other'), fc.string());
    fc.assert(
      fc.property(fc.integer({ min: -1, max: 700 }), headers, fc.anything(), (status, h, body) => {
        const err = errorFromHttpResponse(status, h, body);
        expect(isBallastError(err)).toBe(true);
        expect(err.status).toBeGreaterThanOrEqual(400);
        expect(err.status).toBeLessThanOrEqual(599);
        if (err.retryAfterMs !== undefined) expect(err.retryAfterMs).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});
