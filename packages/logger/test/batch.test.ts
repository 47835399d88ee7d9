import { sourceNodeArgs } from '@ballast/test-utils';
import { describe, expect, it } from 'vitest';
import { createBatcher, type WriteBytes } from '../src/internal/batch.js';

function eagain(): Error {
  return Object.assign(new Error('EAGAIN: resource temporarily unavailable, write'), { code: 'EAGAIN' });
}

/** A descriptor stand-in: refuses with EAGAIN while `blocked`, takes at most `chunk` bytes per write. */
function target(options: { refusals?: number; chunk?: number } = {}) {
  const state = {
    out: '',
    refusals: options.refusals ?? 0,
    blocked: false,
    fail: undefined as Error | undefined,
  };
  const write: WriteBytes = (bytes, offset, length) => {
    if (state.fail) {
      const error = state.fail;
      state.fail = undefined;
      throw error;
    }
    if (state.blocked || state.refusals > 0) {
      state.refusals--;
      throw eagain();
    }
    const n = Math.min(length, options.chunk ?? length);
    state.out += bytes.subarray(offset, offset + n).toString();
    return n;
  };
  return { state, write };
}

const lines = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `{"n":${from + i}}\n`);
const note = (dropped: number) => `{"dropped":${dropped}}\n`;

/** A batcher over a {@link target}, collecting what it reports through onError. */
function setup(
  descriptor: Parameters<typeof target>[0] = {},
  options: Partial<Parameters<typeof createBatcher>[0]> = {},
) {
  const { state, write } = target(descriptor);
  const errors: unknown[] = [];
  const batcher = createBatcher({ write, onError: (e) => errors.push(e), note, ...options });
  return { state, errors, batcher };
}

describe('createBatcher under backpressure', () => {
  it('keeps lines a pushing-back descriptor refused and writes them later, in order, without blocking', async () => {
    const { state, errors, batcher } = setup({ refusals: 3, chunk: 10 }, { limit: 100 });
    const started = performance.now();
    for (const line of lines(0, 100)) batcher.push(line);
    batcher.flush();
    expect(performance.now() - started).toBeLessThan(200);
    expect(state.out.length).toBeLessThan(lines(0, 100).join('').length);
    await batcher.drained();
    expect(state.out).toBe(lines(0, 100).join(''));
    expect(errors).toEqual([]);
    expect(batcher.dropped).toBe(0);
  });

  it('past maxBuffer drops new lines, counts them and writes a note where they are missing', async () => {
    const { state, errors, batcher } = setup({}, { maxBuffer: 100 });
    state.blocked = true;
    for (const line of lines(0, 20)) batcher.push(line);
    batcher.flush();
    for (const line of lines(20, 40)) batcher.push(line);
    expect(batcher.dropped).toBeGreaterThan(0);
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(/not keeping up.*maxBuffer 100/);
    const kept = 40 - batcher.dropped;
    state.blocked = false;
    await batcher.drained();
    expect(state.out).toBe([...lines(0, kept), note(batcher.dropped)].join(''));
    batcher.push(lines(40, 41)[0] as string);
    await batcher.drained();
    expect(state.out.endsWith(`${note(batcher.dropped)}{"n":40}\n`)).toBe(true);
  });

  it('puts the note between the lines around the gap when writing resumes', async () => {
    const { state, write } = target();
    const batcher = createBatcher({ write, onError: () => {}, note, maxBuffer: 20 });
    state.blocked = true;
    batcher.push('{"n":0}\n');
    batcher.flush();
    batcher.push('{"n":1}\n');
    batcher.push('{"n":2}\n');
    state.blocked = false;
    batcher.flush();
    batcher.push('{"n":3}\n');
    await batcher.drained();
    expect(state.out).toBe('{"n":0}\n{"n":1}\n{"dropped":1}\n{"n":3}\n');
  });

  it('counts the lines lost to a write error and reports where they are missing', async () => {
    const { state, errors, batcher } = setup();
    state.fail = Object.assign(new Error('EBADF'), { code: 'EBADF' });
    for (const line of lines(0, 3)) batcher.push(line);
    batcher.flush();
    expect(batcher.dropped).toBe(3);
    expect(errors).toHaveLength(1);
    batcher.push('{"n":3}\n');
    await batcher.drained();
    expect(state.out).toBe('{"dropped":3}\n{"n":3}\n');
  });

  it('flushSync waits through EAGAIN and writes everything synchronously', () => {
    const { state, write } = target({ refusals: 5, chunk: 7 });
    const batcher = createBatcher({ write, onError: () => {}, note });
    for (const line of lines(0, 10)) batcher.push(line);
    batcher.flushSync();
    expect(state.out).toBe(lines(0, 10).join(''));
  });

  it('flushSync gives up on a stalled reader after stallTimeout but keeps the lines queued', async () => {
    const { state, errors, batcher } = setup({}, { stallTimeout: 20 });
    state.blocked = true;
    for (const line of lines(0, 5)) batcher.push(line);
    batcher.flushSync();
    expect(String(errors[0])).toMatch(/took nothing for 20 ms/);
    expect(state.out).toBe('');
    state.blocked = false;
    await batcher.drained();
    expect(state.out).toBe(lines(0, 5).join(''));
    expect(batcher.dropped).toBe(0);
  });

  it('drained() gives up on a reader that takes nothing for stallTimeout, and keeps the lines queued', async () => {
    const { state, errors, batcher } = setup({}, { stallTimeout: 30 });
    state.blocked = true;
    for (const line of lines(0, 3)) batcher.push(line);
    await batcher.drained(); // would never settle before
    expect(String(errors.at(-1))).toMatch(/took nothing for 30 ms; \d+ bytes are still queued/);
    expect(state.out).toBe('');
    state.blocked = false;
    await batcher.drained();
    expect(state.out).toBe(lines(0, 3).join(''));
  });

  it('never keeps the process alive while a reader pushes back', async () => {
    const { spawnSync } = await import('node:child_process');
    const script = `
      import { createBatcher } from ${JSON.stringify(new URL('../src/internal/batch.ts', import.meta.url).href)};
      const refuse = () => { throw Object.assign(new Error('EAGAIN'), { code: 'EAGAIN' }); };
      const batcher = createBatcher({ write: refuse, onError: () => {}, note: () => '', stallTimeout: 50 });
      batcher.push('x');
      batcher.flush();
    `;
    const run = spawnSync(process.execPath, [...sourceNodeArgs, '--input-type=module', '-e', script], {
      timeout: 20_000,
      encoding: 'utf8',
    });
    expect(run.error).toBeUndefined();
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('flushSync writes the note for lines dropped while the queue was full', () => {
    const { state, write } = target();
    const batcher = createBatcher({ write, onError: () => {}, note, maxBuffer: 10 });
    state.blocked = true;
    batcher.push('{"n":0}\n');
    batcher.flush();
    batcher.push('{"n":1}\n');
    batcher.push('{"n":2}\n');
    state.blocked = false;
    batcher.flushSync();
    expect(state.out).toBe('{"n":0}\n{"dropped":2}\n');
  });
});
