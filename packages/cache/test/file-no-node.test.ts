import { afterEach, describe, expect, it, vi } from 'vitest';

// Where there is no node:fs (a browser), @ballast/cache still loads and caches in memory;
// only fileTier is refused, at creation, with a ConfigurationError.
describe('@ballast/cache without Node built-ins', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('caches in memory, and refuses fileTier at creation', async () => {
    vi.spyOn(process, 'getBuiltinModule').mockReturnValue(undefined as never);
    vi.resetModules();
    const { createCache, fileTier, memoryTier } = await import('../src/index.js');
    expect(() => fileTier({ dir: '/tmp/x' })).toThrow(
      expect.objectContaining({
        code: 'INVALID_CONFIGURATION',
        message: expect.stringMatching(/needs node:fs/),
      }),
    );
    const cache = createCache({ tiers: [memoryTier()], ttl: '1m' });
    await cache.set('k', { a: 1 });
    expect(await cache.get('k')).toEqual({ a: 1 });
    await cache.close();
  });
});
