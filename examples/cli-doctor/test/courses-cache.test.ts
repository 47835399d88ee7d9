import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Cache } from '@ballast/cache';
import { ManualClock } from '@ballast/core/testing';
import { UnavailableError } from '@ballast/errors';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCoursesCache, type DataType, TTLS } from '../src/courses-cache.js';

const MINUTE = 60_000;

describe('the CLI cache: one TTL per data type, memory + disk', () => {
  let dir: string;
  let clock: ManualClock;
  const caches: Cache[] = [];
  const open = () => {
    const cache = createCoursesCache({ dir, clock });
    caches.push(cache);
    return cache;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'courses-cache-'));
    clock = new ManualClock({ now: Date.UTC(2026, 0, 1) });
  });
  afterEach(async () => {
    for (const cache of caches.splice(0)) await cache.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps grades 15m, assignments 30m, courses 1h and users 2h', async () => {
    expect(TTLS).toEqual({ courses: '1h', assignments: '30m', users: '2h', grades: '15m' });
    const cache = open();
    const types: DataType[] = ['grades', 'assignments', 'courses', 'users'];
    for (const type of types) await cache.namespace(type).set('1', `${type} of 1`);
    const fresh = async () => {
      const out: string[] = [];
      for (const type of types) if ((await cache.namespace(type).get('1')) !== undefined) out.push(type);
      return out;
    };
    expect(await fresh()).toEqual(types);
    await clock.advance(15 * MINUTE + 1);
    expect(await fresh()).toEqual(['assignments', 'courses', 'users']);
    await clock.advance(15 * MINUTE);
    expect(await fresh()).toEqual(['courses', 'users']);
    await clock.advance(30 * MINUTE);
    expect(await fresh()).toEqual(['users']);
    await clock.advance(60 * MINUTE);
    expect(await fresh()).toEqual([]);
  });

  it('finds on disk what an earlier process cached, with a cold memory tier', async () => {
    await open().namespace('courses').set('2', { title: 'Organic Chemistry' });
    const later = open();
    let calls = 0;
    const value = await later.namespace('courses').getOrSet('2', async () => {
      calls += 1;
      return { title: 'from the API' };
    });
    expect(value).toEqual({ title: 'Organic Chemistry' });
    expect(calls).toBe(0);
  });

  it('serves the expired value within a day of grace when the API fails', async () => {
    const cache = open();
    await cache.namespace('grades').set('1', [{ score: 92 }]);
    await clock.advance(3 * 60 * MINUTE);
    const down = async (): Promise<never> => {
      throw new UnavailableError('the courses API is down');
    };
    expect(await cache.namespace('grades').getOrSet('1', down)).toEqual([{ score: 92 }]);
    expect(cache.stats().stale).toBe(1);
    await clock.advance(24 * 60 * MINUTE);
    await expect(cache.namespace('grades').getOrSet('1', down)).rejects.toThrow('the courses API is down');
  });
});
