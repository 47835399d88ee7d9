import type { Clock } from '@ballast/core';
import { ManualClock } from '@ballast/core/testing';
import { NotFoundError } from '@ballast/errors';
import { describe, expect, it } from 'vitest';
import { batcher } from '../src/index.js';

describe('batcher', () => {
  it('coalesces loads within maxDelay into one run, deduplicating keys', async () => {
    const clock = new ManualClock();
    const runs: string[][] = [];
    const users = batcher({
      run: async (ids: string[]) => {
        runs.push(ids);
        return ids.map((id) => ({ id }));
      },
      maxDelay: 5,
      clock,
    });
    const loads = [users.load('1'), users.load('2'), users.load('1')];
    await clock.advance(5);
    await expect(Promise.all(loads)).resolves.toEqual([{ id: '1' }, { id: '2' }, { id: '1' }]);
    expect(runs).toEqual([['1', '2']]);
  });

  it('runs a full batch at once and flush() runs the pending one', async () => {
    const runs: number[][] = [];
    const loader = batcher({
      run: async (keys: number[]) => {
        runs.push(keys);
        return keys.map((k) => k * 10);
      },
      maxBatch: 2,
      maxDelay: '1h',
    });
    const a = [loader.load(1), loader.load(2)];
    const c = loader.load(3);
    loader.flush();
    loader.flush();
    await expect(Promise.all([...a, c])).resolves.toEqual([10, 20, 30]);
    expect(runs).toEqual([[1, 2], [3]]);
  });

  it('fails keys one by one: errors in the result, missing map entries, and a throwing run', async () => {
    const clock = new ManualClock();
    const loader = batcher({
      run: async (keys: string[]) =>
        new Map<string, string | Error>(
          [
            ['a', 'A'],
            ['b', new Error('b broke')],
          ].filter(([k]) => keys.includes(k as string)) as [string, string | Error][],
        ),
      clock,
    });
    const many = loader.loadMany(['a', 'b', 'c']);
    await clock.advance(0);
    const [a, b, c] = await many;
    expect(a).toBe('A');
    expect((b as Error).message).toBe('b broke');
    expect(NotFoundError.is(c)).toBe(true);
    const broken = batcher({ run: () => Promise.reject(new Error('db down')), clock });
    const failed = broken.load('x');
    const settled = expect(failed).rejects.toThrow('db down');
    await clock.advance(0);
    await settled;
  });

  it('rejects every key when run returns the wrong shape', async () => {
    const clock = new ManualClock();
    const loader = batcher({ run: async () => ['only one'], clock });
    const loads = [loader.load('a'), loader.load('b')].map((p) => p.catch((e: Error) => e.message));
    await clock.advance(0);
    expect(await Promise.all(loads)).toEqual([
      expect.stringMatching(/array of 2 values/),
      expect.stringMatching(/array of 2 values/),
    ]);
    const weird = batcher({ run: async () => 'nope' as never, clock });
    const w = weird.load('a').catch((e: Error) => e.message);
    await clock.advance(0);
    expect(await w).toMatch(/got string/);
  });

  it('emits batch with its size and duration, and error when a run fails as a whole', async () => {
    const clock = new ManualClock();
    let fail = false;
    const loader = batcher({
      run: async (keys: string[]) => {
        await clock.sleep(7);
        if (fail) throw new Error('db down');
        return keys.map((k) => new Error(`no ${k}`));
      },
      maxDelay: 5,
      clock,
    });
    const batches: unknown[] = [];
    const errors: unknown[] = [];
    loader.on('batch', (e) => batches.push(e));
    loader.on('error', ({ error, size, durationMs }) =>
      errors.push({ message: (error as Error).message, size, durationMs }),
    );
    const loads = loader.loadMany(['a', 'b', 'a']);
    await clock.advance(12);
    await loads; // per-key errors: the batch itself succeeded
    fail = true;
    const failed = loader.load('c').catch((e: Error) => e.message);
    await clock.advance(12);
    expect(await failed).toBe('db down');
    expect(batches).toEqual([{ size: 2, durationMs: 7 }]);
    expect(errors).toEqual([{ message: 'db down', size: 1, durationMs: 7 }]);
    const shape = batcher({ run: async () => [], clock });
    const shapeErrors: number[] = [];
    shape.on('error', (e) => shapeErrors.push(e.size));
    const bad = shape.load('x').catch(() => 'rejected');
    await clock.advance(0);
    expect(await bad).toBe('rejected');
    expect(shapeErrors).toEqual([1]);
  });

  it('reads the clock only when a listener or a metric needs the duration', async () => {
    const clock = new ManualClock();
    let reads = 0;
    const counting: Clock = {
      now: () => {
        reads++;
        return clock.now();
      },
      setTimeout: (callback, ms) => clock.setTimeout(callback, ms),
      clearTimeout: (handle) => clock.clearTimeout(handle),
      setInterval: (callback, ms) => clock.setInterval(callback, ms),
      sleep: (ms, signal) => clock.sleep(ms, signal),
    };
    const loader = batcher({ run: async (keys: number[]) => keys, clock: counting });
    const quiet = loader.load(1);
    loader.flush();
    await quiet;
    expect(reads).toBe(0);
    loader.on('batch', () => {});
    const heard = loader.load(2);
    loader.flush();
    await heard;
    expect(reads).toBe(2);
  });

  it('runs the pending batch on close and refuses loads afterwards', async () => {
    const loader = batcher({ run: async (keys: number[]) => keys.map((k) => k + 1), maxDelay: '1h' });
    const pending = loader.load(1);
    await loader[Symbol.asyncDispose]();
    await expect(pending).resolves.toBe(2);
    await expect(loader.load(2)).rejects.toThrow(/closed/);
    await loader.close();
  });

  it('rejects bad options with ConfigurationError', () => {
    expect(() => batcher({} as never)).toThrow(/batcher.run/);
    expect(() => batcher({ run: async () => [], maxBatch: 0 })).toThrow(/maxBatch/);
    expect(() => batcher({ run: async () => [], maxDelay: -1 })).toThrow(/maxDelay/);
    expect(() => batcher({ run: async () => [], name: '' })).toThrow(/batcher.name/);
  });
});
