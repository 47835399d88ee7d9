import { afterEach, describe, expect, it, vi } from 'vitest';

// Where there is no node:crypto (a browser, an edge runtime), the package still loads and
// redacts; only censor: 'hash' is refused, at creation, with a ConfigurationError.
describe('@ballast/redact without node:crypto', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('redacts, and refuses censor: hash at creation', async () => {
    vi.spyOn(process, 'getBuiltinModule').mockReturnValue(undefined as never);
    vi.resetModules();
    const { createRedactor, pseudonym } = await import('../src/index.js');
    expect(createRedactor()({ password: 'hunter2' })).toEqual({ password: '[REDACTED]' });
    for (const create of [
      () => createRedactor({ censor: 'hash', hashKey: 'k' }),
      () => pseudonym('k', 'ada@example.com'),
    ]) {
      expect(create).toThrow(
        expect.objectContaining({ code: 'INVALID_CONFIGURATION', name: 'ConfigurationError' }),
      );
      expect(create).toThrow(/needs node:crypto/);
    }
  });
});
