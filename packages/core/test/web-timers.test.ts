import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../src/index.js';

// A browser's timers are numbers with no unref(); Node's are objects. systemClock gives both
// the same handle shape (pnpm check:runtimes runs the built package without Node globals too).
describe('systemClock with a browser’s timers', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('hands out handles whose unref() does nothing and which clearTimeout clears', () => {
    const timers = new Map<number, () => void>();
    let last = 0;
    const cleared: number[] = [];
    const start = (callback: () => void): number => {
      timers.set(++last, callback);
      return last;
    };
    vi.stubGlobal('setTimeout', start);
    vi.stubGlobal('setInterval', start);
    vi.stubGlobal('clearTimeout', (id: number) => void cleared.push(id));

    const once = systemClock.setTimeout(() => {}, 10);
    expect(once.unref()).toBe(once);
    const every = systemClock.setInterval(() => {}, 10);
    systemClock.clearTimeout(once);
    systemClock.clearTimeout(every);
    expect(cleared).toEqual([1, 2]);
  });
});
