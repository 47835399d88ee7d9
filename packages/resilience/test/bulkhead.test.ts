import { ManualClock } from '@ballast/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bulkhead, isBulkheadRejectedError, pipeline, timeout } from '../src/index.js';

describe('bulkhead', () => {
  it('runs at most limit at once, queues up to queue and rejects the rest', async () => {
    const clock = new ManualClock();
    const pool = bulkhead({ limit: 2, queue: 1, clock });
    const rejected: string[] = [];
    pool.on('rejected', (e) => rejected.push(e.reason));
    const runs = [1, 2, 3].map((n) => pool.execute(() => clock.sleep(10).then(() => n)));
    expect(pool.active).toBe(2);
    expect(pool.queued).toBe(1);
    const error = await pool.execute(() => 4).catch((e: unknown) => e);
    expect(isBulkheadRejectedError(error)).toBe(true);
    expect(rejected).toEqual(['full']);
    await clock.advance(10);
    expect(pool.active).toBe(1);
    await clock.advance(10);
    await expect(Promise.all(runs)).resolves.toEqual([1, 2, 3]);
    expect(pool.active).toBe(0);
  });

  it('frees the slot when the work fails', async () => {
    const pool = bulkhead({ limit: 1 });
    await expect(pool.execute(() => Promise.reject(new Error('x')))).rejects.toThrow('x');
    await expect(pool.execute(() => 'next')).resolves.toBe('next');
  });

  it('removes a queued caller whose signal aborts', async () => {
    const clock = new ManualClock();
    const pool = bulkhead({ limit: 1, queue: 5, clock });
    const running = pool.execute(() => clock.sleep(10));
    const controller = new AbortController();
    const queued = pool.execute(() => 'never', controller.signal);
    expect(pool.queued).toBe(1);
    controller.abort(new Error('gave up'));
    await expect(queued).rejects.toThrow('gave up');
    expect(pool.queued).toBe(0);
    await clock.advance(10);
    await running;
    expect(pool.active).toBe(0);
  });

  it('rejects a queued call at once when its signal has already aborted', async () => {
    const clock = new ManualClock();
    const pool = bulkhead({ limit: 1, queue: 1, clock });
    const running = pool.execute(() => clock.sleep(10));
    const controller = new AbortController();
    controller.abort(new Error('late'));
    const policy = pipeline(timeout(1_000, { clock }), pool);
    await expect(policy.execute(() => 1, controller.signal)).rejects.toThrow('late');
    await clock.advance(10);
    await running;
  });

  it('rejects queued calls that wait longer than queueTimeout', async () => {
    const clock = new ManualClock();
    const pool = bulkhead({ limit: 1, queue: 1, queueTimeout: 50, clock });
    const running = pool.execute(() => clock.sleep(100));
    const queued = pool.execute(() => 'late');
    const settled = expect(queued).rejects.toThrow(/waited too long/);
    await clock.advance(50);
    await settled;
    await clock.advance(50);
    await running;
  });

  it('clears the queue timer and abort listener when a queued call gets its slot', async () => {
    const clock = new ManualClock();
    const pool = bulkhead({ limit: 1, queue: 1, queueTimeout: 1_000, clock });
    const controller = new AbortController();
    const running = pool.execute(() => clock.sleep(10));
    const queued = pool.execute(() => 'ran', controller.signal);
    await clock.advance(10);
    await running;
    await expect(queued).resolves.toBe('ran');
    expect(clock.pendingTimers).toBe(0);
    controller.abort();
  });

  it('never runs more than limit at once under generated workloads', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 4 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 30 }), fc.boolean()), {
          maxLength: 30,
        }),
        async (limit, queue, calls) => {
          const clock = new ManualClock();
          const pool = bulkhead({ limit, queue, clock });
          let running = 0;
          let peak = 0;
          let completed = 0;
          let rejected = 0;
          const all: Promise<unknown>[] = [];
          for (const [gap, duration, fails] of calls) {
            await clock.advance(gap);
            all.push(
              pool
                .execute(async () => {
                  running++;
                  peak = Math.max(peak, running);
                  await clock.sleep(duration);
                  running--;
                  if (fails) throw new Error('work failed');
                })
                .then(
                  () => completed++,
                  (e: unknown) => (isBulkheadRejectedError(e) ? rejected++ : completed++),
                ),
            );
            expect(pool.active).toBeLessThanOrEqual(limit);
            expect(pool.queued).toBeLessThanOrEqual(queue);
          }
          await clock.runAll();
          await Promise.all(all);
          expect(peak).toBeLessThanOrEqual(limit);
          expect(completed + rejected).toBe(calls.length);
          expect(pool.active).toBe(0);
        },
      ),
    );
  });

  it('rejects bad options with ConfigurationError', () => {
    expect(() => bulkhead({ limit: 0 })).toThrow(/bulkhead.limit/);
    expect(() => bulkhead({ limit: 1, queue: -1 })).toThrow(/bulkhead.queue/);
    expect(() => bulkhead({ limit: 1, queueTimeout: 'x' as never })).toThrow(/queueTimeout/);
    expect(() => bulkhead(undefined as never)).toThrow(
      /^Invalid option bulkhead: got undefined; expected an options object: { limit/,
    );
  });
});
