import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { freePort, pingRedis, redisUrl, requireRedis, SKIP_LOG_ENV, uniquePrefix } from '../src/index.js';

describe('redis discovery', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('reads REDIS_URL or falls back to the local server', () => {
    vi.stubEnv('REDIS_URL', 'redis://example.test:7000');
    expect(redisUrl()).toBe('redis://example.test:7000');
    vi.stubEnv('REDIS_URL', undefined as unknown as string);
    expect(redisUrl()).toBe('redis://127.0.0.1:6379');
  });

  it('makes a different prefix every call', () => {
    const a = uniquePrefix('cache');
    expect(a).toMatch(/^ballast-test:cache:[0-9a-f]{8}:$/);
    expect(uniquePrefix('cache')).not.toBe(a);
  });

  it('says no for a port where nothing listens', async () => {
    const port = await freePort();
    expect(await pingRedis(`redis://127.0.0.1:${port}`, 500)).toBe(false);
  });

  it('skips loudly when Redis is unreachable, and throws under REQUIRE_REDIS=1', async () => {
    const port = await freePort();
    vi.stubEnv('REDIS_URL', `redis://127.0.0.1:${port}`);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    vi.stubEnv('REQUIRE_REDIS', '');
    // Its own folder: this deliberate skip must not reach the run's end-of-output summary.
    const skips = await mkdtemp(join(tmpdir(), 'skips-'));
    vi.stubEnv(SKIP_LOG_ENV, skips);
    expect(await requireRedis()).toBeUndefined();
    expect(warn.mock.calls[0]?.[0]).toMatch(/SKIPPING Redis tests/);
    const recorded = JSON.parse(await readFile(join(skips, 'skips.jsonl'), 'utf8')) as { what: string };
    expect(recorded.what).toBe('Redis tests');
    await rm(skips, { recursive: true, force: true });
    vi.stubEnv('REQUIRE_REDIS', '1');
    await expect(requireRedis()).rejects.toThrow(/REQUIRE_REDIS=1/);
  });
});
