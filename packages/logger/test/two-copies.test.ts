import { describe, expect, it, vi } from 'vitest';

type LoggerModule = typeof import('../src/index.js');

/** A fresh copy of the package's modules, as a second build (ESM beside CJS) or install would load. */
async function loadCopy(): Promise<LoggerModule> {
  vi.resetModules();
  return import('../src/index.js');
}

// The decision in docs/design.md ("One context across ESM and CJS"): the ESM and CommonJS
// builds stay, and the state that must be one per process is keyed in the global symbol
// registry. `pnpm check:runtimes` checks the same with the built ESM and CJS files.
describe('two loaded copies of @ballast/logger', () => {
  it('share one log context: a line of one copy inside the other copy’s withLogContext keeps its fields', async () => {
    const a = await loadCopy();
    const b = await loadCopy();
    expect(a.withLogContext).not.toBe(b.withLogContext);
    const lines: string[] = [];
    const log = b.createLogger({ sinks: [{ name: 'memory', write: (line) => void lines.push(line) }] });
    await a.withLogContext({ req_id: 'r-1' }, async () => {
      await Promise.resolve();
      expect(b.getLogContext()).toEqual({ req_id: 'r-1' });
      log.info('inside');
    });
    log.info('outside');
    expect(lines.map((line) => JSON.parse(line).req_id)).toEqual(['r-1', undefined]);
  });
});
