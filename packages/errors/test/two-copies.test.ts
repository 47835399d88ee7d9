import { describe, expect, it, vi } from 'vitest';

type ErrorsModule = typeof import('../src/index.js');

/** A fresh copy of the package's modules, as a second build (ESM beside CJS) or install would load. */
async function loadCopy(): Promise<ErrorsModule> {
  vi.resetModules();
  return import('../src/index.js');
}

// The decision in docs/design.md ("One context across ESM and CJS"): errors are recognised
// across copies by their brand (`isBallastError`, `X.is`), never by `instanceof`, which is
// per copy. `pnpm check:runtimes` checks the same with the built ESM and CJS files.
describe('two loaded copies of @ballast/errors', () => {
  it('recognise each other’s errors by brand, and instanceof stays per copy', async () => {
    const a = await loadCopy();
    const b = await loadCopy();
    expect(a.NotFoundError).not.toBe(b.NotFoundError);
    const err = new a.NotFoundError('User 4 not found', { details: { id: 4 } });
    expect(b.isBallastError(err)).toBe(true);
    expect(b.NotFoundError.is(err)).toBe(true);
    expect(b.ConflictError.is(err)).toBe(false);
    expect(b.toProblemDetails(err).status).toBe(404);
    expect(b.serializeError(err)).toMatchObject({ code: 'NOT_FOUND', details: { id: 4 } });
    expect(err instanceof a.NotFoundError).toBe(true);
    expect(err instanceof b.NotFoundError).toBe(false);
    expect(err instanceof b.BallastError).toBe(false);
  });
});
