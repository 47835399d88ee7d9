import { describe, expect, it } from 'vitest';
import { defineError, isBallastError, NotFoundError, RateLimitedError } from '../src/index.js';

describe('smoke', () => {
  it('works', () => {
    const E = defineError('USER_GONE', {
      category: 'not_found',
      message: (d: { id: string }) => `User ${d.id} gone`,
    });
    const e = new E({ id: '4' });
    expect(e.message).toBe('User 4 gone');
    expect(e.name).toBe('UserGoneError');
    expect(e.status).toBe(404);
    expect(isBallastError(e)).toBe(true);
    expect(NotFoundError.is(e)).toBe(true);
    const r = new RateLimitedError(undefined, { retryAfterMs: 5 });
    expect(r.retryable).toBe(true);
    expect(r.name).toBe('RateLimitedError');
    expect(JSON.parse(JSON.stringify(new NotFoundError('x', { cause: new Error('y') }))).cause.message).toBe(
      'y',
    );
  });
});
