import { ManualClock } from '@ballast/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BusMessage } from '../src/bus/bus.js';
import { createOutbox } from '../src/bus/outbox.js';

const del = (key: string, cache = 'c'): BusMessage => ({ from: 'me', cache, type: 'delete', keys: [key] });

/** A connection a test switches between up, down (refused) and hung (black-holed). */
function connection() {
  const sent: BusMessage[] = [];
  const errors: unknown[] = [];
  let mode: 'up' | 'down' | 'hung' = 'up';
  const hung: Array<() => void> = [];
  return {
    sent,
    errors,
    hung,
    set(next: 'up' | 'down' | 'hung') {
      mode = next;
    },
    parts: {
      send(message: BusMessage): Promise<void> {
        if (mode === 'down') return Promise.reject(new Error('ECONNREFUSED'));
        if (mode === 'hung') {
          // Black-holed bytes arrive once the network heals.
          return new Promise<void>((resolve) =>
            hung.push(() => {
              sent.push(message);
              resolve();
            }),
          );
        }
        sent.push(message);
        return Promise.resolve();
      },
      ready: () => mode !== 'down',
      error: (error: unknown) => errors.push(error),
    },
  };
}

describe('bus outbox', () => {
  it('sends at once while the connection is up', async () => {
    const link = connection();
    const outbox = createOutbox({
      ...link.parts,
      clock: new ManualClock(),
      limit: 10,
      timeout: 1_000,
      retry: 100,
    });
    await outbox.publish(del('a'));
    expect(link.sent).toEqual([del('a')]);
    expect(outbox.pending).toBe(0);
  });

  it('holds messages while the connection is down and sends them in order once it is back', async () => {
    const clock = new ManualClock();
    const link = connection();
    const outbox = createOutbox({ ...link.parts, clock, limit: 10, timeout: 1_000, retry: 100 });
    link.set('down');
    await outbox.publish(del('a'));
    await outbox.publish(del('b'));
    expect(outbox.pending).toBe(2);
    await clock.advance(1_000);
    expect(link.sent).toEqual([]);
    link.set('up');
    await outbox.publish(del('c')); // behind the held ones
    await clock.advance(1_000);
    expect(link.sent).toEqual([del('a'), del('b'), del('c')]);
    expect(outbox.pending).toBe(0);
    outbox.close();
  });

  it('counts a send that hangs past the timeout as failed, reports it once and sends it again', async () => {
    const clock = new ManualClock();
    const link = connection();
    const outbox = createOutbox({ ...link.parts, clock, limit: 10, timeout: 500, retry: 100 });
    link.set('hung');
    const first = outbox.publish(del('a'));
    await clock.advance(500);
    await first;
    expect(outbox.pending).toBe(1);
    await clock.advance(2_000); // retries time out too: still one report
    expect(link.errors).toHaveLength(1);
    expect(String(link.errors[0])).toMatch(/did not publish within 500 ms/);
    link.set('up');
    await clock.advance(1_000);
    expect(link.sent).toEqual([del('a')]);
    expect(outbox.pending).toBe(0);
    outbox.close();
  });

  it('past its limit drops what it holds and owes each cache a clear, sent first', async () => {
    const clock = new ManualClock();
    const link = connection();
    const outbox = createOutbox({ ...link.parts, clock, limit: 2, timeout: 1_000, retry: 100 });
    link.set('down');
    for (const key of ['a', 'b', 'c']) await outbox.publish(del(key));
    await outbox.publish(del('x', 'other'));
    await outbox.publish(del('d'));
    expect(outbox.pending).toBe(3); // a clear owed to 'c', then x and d held
    link.set('up');
    await clock.advance(1_000);
    expect(link.sent).toEqual([{ from: 'me', cache: 'c', type: 'clear' }, del('x', 'other'), del('d')]);
    outbox.close();
  });

  it('stops retrying once closed', async () => {
    const clock = new ManualClock();
    const link = connection();
    const outbox = createOutbox({ ...link.parts, clock, limit: 10, timeout: 1_000, retry: 100 });
    link.set('down');
    await outbox.publish(del('a'));
    outbox.close();
    await outbox.publish(del('b'));
    link.set('up');
    await clock.advance(10_000);
    expect(link.sent).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('never loses a change silently: every key changed is sent, or a clear for its cache is', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.record({ op: fc.constant('publish' as const), key: fc.string({ maxLength: 2 }) }),
            fc.record({ op: fc.constantFrom('up' as const, 'down' as const, 'hung' as const) }),
            fc.record({ op: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 800 }) }),
          ),
          { maxLength: 40 },
        ),
        fc.integer({ min: 0, max: 4 }),
        async (steps, limit) => {
          const clock = new ManualClock();
          const link = connection();
          const outbox = createOutbox({ ...link.parts, clock, limit, timeout: 300, retry: 50 });
          const published: string[] = [];
          const calls: Promise<void>[] = [];
          for (const step of steps) {
            if (step.op === 'publish') {
              published.push(step.key);
              calls.push(outbox.publish(del(step.key)));
            } else if (step.op === 'tick') await clock.advance(step.ms);
            else link.set(step.op);
          }
          // Heal, and let everything held go out.
          link.set('up');
          for (const resolve of link.hung.splice(0)) resolve();
          await clock.advance(10_000);
          await Promise.all(calls);
          const cleared = link.sent.some((message) => message.type === 'clear');
          const delivered = new Set(
            link.sent.flatMap((message) => (message.type === 'delete' ? message.keys : [])),
          );
          expect(cleared || published.every((key) => delivered.has(key))).toBe(true);
          expect(outbox.pending).toBe(0);
          outbox.close();
        },
      ),
      { numRuns: 200 },
    );
  });
});
