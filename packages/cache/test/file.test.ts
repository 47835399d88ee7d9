import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@ballast/core/testing';
import { isBallastError } from '@ballast/errors';
import { afterAll, describe, expect, it } from 'vitest';
import { type CacheEntry, createCache, fileTier, memoryTier } from '../src/index.js';
import { cacheTierContract } from '../src/testing.js';

const root = await mkdtemp(join(tmpdir(), 'ballast-cache-'));
let dirs = 0;
const freshDir = () => join(root, `t${dirs++}`);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

cacheTierContract(({ clock }) => fileTier({ dir: freshDir(), clock }), {
  name: 'fileTier',
  createSibling: ({ clock }) => fileTier({ dir: freshDir(), clock }),
  runner: { describe, it },
});

const entry = (value: unknown, tags: string[] = [], staleUntil = Date.now() + 60_000): CacheEntry => ({
  value,
  createdAt: Date.now(),
  freshUntil: staleUntil,
  staleUntil,
  ttl: 60_000,
  tags,
});

async function files(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).filter(
    (file) => file.endsWith('.json') || file.endsWith('.tmp'),
  );
}

describe('fileTier', () => {
  it('writes one file per entry under two levels of shard directories, leaving no temp files', async () => {
    const dir = freshDir();
    const tier = fileTier({ dir });
    await Promise.all(Array.from({ length: 20 }, (_, i) => tier.set(`k${i}`, entry(i))));
    const written = await files(dir);
    expect(written).toHaveLength(20);
    for (const file of written) expect(file).toMatch(/^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{40}\.json$/);
  });

  it('evicts the least recently used files beyond maxBytes', async () => {
    const dir = freshDir();
    const tier = fileTier({ dir, maxBytes: 5_000 });
    for (let i = 0; i < 10; i++) {
      await tier.set(`k${i}`, entry('x'.repeat(900)));
      await tier.get('k0');
    }
    const stats = tier.stats!();
    expect(stats.bytes).toBeLessThanOrEqual(5_000);
    expect(stats.evictions).toBeGreaterThan(0);
    expect(await tier.get('k0')).toBeDefined();
    expect(await tier.get('k1')).toBeUndefined();
    expect(await files(dir)).toHaveLength(stats.entries!);
    await tier.set('huge', entry('x'.repeat(10_000)));
    expect(await tier.get('huge')).toBeUndefined();
  });

  it('picks up files, sizes and tags left by an earlier process', async () => {
    const dir = freshDir();
    await fileTier({ dir }).set('kept', entry('v', ['t']));
    await writeFile(join(dir, 'junk.json'), 'not an entry');
    const later = fileTier({ dir });
    expect((await later.get('kept'))?.value).toBe('v');
    expect(later.stats!().entries).toBe(1);
    await later.deleteByTag!('t');
    expect(await later.get('kept')).toBeUndefined();
    expect(await files(dir)).toEqual([]);
  });

  it('removes the temp files a crash left when it first reads the directory', async () => {
    const dir = freshDir();
    const tier = fileTier({ dir });
    await tier.set('kept', entry('v'));
    const [file] = await files(dir);
    const leftover = join(dir, `${file!}.4242.0badc0de.tmp`);
    await writeFile(leftover, '{"k":"kept","v":"half written');
    await writeFile(join(dir, 'notes.tmp'), 'not one of ours');
    const later = fileTier({ dir });
    expect((await later.get('kept'))?.value).toBe('v');
    expect((await files(dir)).sort()).toEqual([file, 'notes.tmp'].sort());
  });

  it('applies clear() and deleteByTag() after the writes called before them, and before those called after', async () => {
    const dir = freshDir();
    const tier = fileTier({ dir });
    const big = (tags: string[]) => entry('x'.repeat(200_000), tags);
    await Promise.all([
      tier.set('a', big(['t'])),
      tier.set('b', big([])),
      tier.clear(),
      tier.set('c', entry('c')),
    ]);
    expect(await tier.get('a')).toBeUndefined();
    expect(await tier.get('b')).toBeUndefined();
    expect((await tier.get('c'))?.value).toBe('c');
    await Promise.all([tier.set('a', big(['t'])), tier.deleteByTag!('t'), tier.set('d', entry('d', ['t']))]);
    expect(await tier.get('a')).toBeUndefined();
    expect((await tier.get('d'))?.value).toBe('d');
    expect(tier.stats!()).toMatchObject({ entries: 2 });
    expect(await files(dir)).toHaveLength(2);
  });

  it('does not remove, as expired, a newer value written while it read the old one', async () => {
    const clock = new ManualClock({ now: Date.now() });
    const dir = freshDir();
    const tier = fileTier({ dir, clock });
    for (let round = 0; round < 10; round++) {
      await tier.set('k', entry('x'.repeat(1_000_000), [], clock.now() + 100));
      await clock.advance(100);
      await Promise.all([tier.get('k'), tier.set('k', entry(round, [], clock.now() + 60_000))]);
      expect((await tier.get('k'))?.value).toBe(round);
    }
  });

  it('deletes a file it cannot read back and reports it as corrupt', async () => {
    const dir = freshDir();
    const tier = fileTier({ dir });
    await tier.set('k', entry('v'));
    const [file] = await files(dir);
    await writeFile(join(dir, file!), '{"broken"');
    await expect(tier.get('k')).rejects.toSatisfy(
      (error) => isBallastError(error) && error.code === 'CACHE_ENTRY_CORRUPT',
    );
    expect(await files(dir)).toEqual([]);
    const cache = createCache({ tiers: [memoryTier(), fileTier({ dir })] });
    await fileTier({ dir }).set('j', entry('v'));
    const [other] = await files(dir);
    const text = await readFile(join(dir, other!), 'utf8');
    await writeFile(join(dir, other!), text.replace('"k":"j"', '"k":"not-j"'));
    expect(await cache.getOrSet('j', () => 'rebuilt')).toBe('rebuilt');
    expect(cache.stats().tiers[1]!.corrupt).toBe(1);
  });

  it('removes files past their stale-until on read', async () => {
    const clock = new ManualClock({ now: Date.now() });
    const dir = freshDir();
    const tier = fileTier({ dir, clock });
    await tier.set('k', entry('v', [], clock.now() + 100));
    await clock.advance(100);
    expect(await tier.get('k')).toBeUndefined();
    expect(await files(dir)).toEqual([]);
  });

  it('serves as a third tier and backfills the faster ones', async () => {
    const dir = freshDir();
    const first = createCache({ tiers: [memoryTier(), fileTier({ dir })] });
    await first.set('k', 'from-disk');
    const second = createCache({ tiers: [memoryTier(), fileTier({ dir })] });
    expect(await second.getOrSet('k', () => 'factory')).toBe('from-disk');
    expect(second.stats().tiers[0]!.entries).toBe(1);
  });

  it('validates its options', () => {
    for (const bad of [{ dir: '' }, { dir: root, maxBytes: 'big' }]) {
      try {
        fileTier(bad);
        expect.unreachable();
      } catch (error) {
        expect(isBallastError(error) && error.code).toBe('INVALID_CONFIGURATION');
      }
    }
  });
});
