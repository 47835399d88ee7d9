import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Meter, ObservableCallback } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { observeGauge } from '../src/internal/metrics.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A meter that records its gauges' callbacks so the test can collect by hand. */
function fakeMeter() {
  const callbacks = new Map<string, ObservableCallback>();
  const meter = {
    createObservableGauge: (name: string) => ({
      addCallback: (callback: ObservableCallback) => callbacks.set(name, callback),
    }),
  } as unknown as Meter;
  const collect = (name: string) => {
    const seen: Array<[number, unknown]> = [];
    callbacks.get(name)?.({
      observe: (value: number, attributes: unknown) => seen.push([value, attributes]),
    } as never);
    return seen;
  };
  return { meter, callbacks, collect };
}

describe('observeGauge', () => {
  it('shares one callback per gauge and reports every live target', () => {
    const { meter, callbacks, collect } = fakeMeter();
    const a = { v: 1 };
    const b = { v: 2 };
    observeGauge(meter, 'g', 'd', a, (t) => t.v, { n: 'a' });
    observeGauge(meter, 'g', 'd', b, (t) => t.v, { n: 'b' });
    a.v = 5;
    expect(callbacks.size).toBe(1);
    expect(collect('g')).toEqual([
      [5, { n: 'a' }],
      [2, { n: 'b' }],
    ]);
  });

  it('does not keep a target alive, and forgets it once collected', async () => {
    const { meter, collect } = fakeMeter();
    let target: { v: number } | undefined = { v: 7 };
    const ref = new WeakRef(target);
    observeGauge(meter, 'g', 'd', target, (t) => t.v, {});
    expect(collect('g')).toEqual([[7, {}]]);
    target = undefined;
    for (let i = 0; i < 20 && ref.deref() !== undefined; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      gc();
    }
    expect(ref.deref()).toBeUndefined();
    expect(collect('g')).toEqual([]);
  });
});
