import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isBallastError } from '@ballast/errors';
import { sourceNodeArgs } from '@ballast/test-utils';
import { describe, expect, it } from 'vitest';
import { type CacheEntry, type CacheTier, memoryTier } from '../src/index.js';
import { type ContractRunner, cacheTierContract } from '../src/testing.js';

interface Outcome {
  name: string;
  result: 'passed' | 'failed' | 'skipped';
  error?: string;
}

/** Registers the suite with a recording runner, runs every case, and reports each outcome. */
async function runContract(createTier: () => CacheTier): Promise<Outcome[]> {
  const tests: { name: string; body: Parameters<ContractRunner['it']>[1] }[] = [];
  cacheTierContract(createTier, {
    runner: { describe: (_name, body) => body(), it: (name, body) => tests.push({ name, body }) },
  });
  const outcomes: Outcome[] = [];
  for (const test of tests) {
    let skipped = false;
    try {
      await test.body({
        skip: () => {
          skipped = true;
        },
      });
      outcomes.push({ name: test.name, result: skipped ? 'skipped' : 'passed' });
    } catch (error) {
      outcomes.push({ name: test.name, result: 'failed', error: String(error) });
    }
  }
  return outcomes;
}

/** A tier that drops entries past `staleUntil` by the wall clock instead of the cache's clock. */
function wallClockTier(): CacheTier {
  const map = new Map<string, CacheEntry>();
  return {
    name: 'wall-clock',
    get: (key) => {
      const entry = map.get(key);
      return entry !== undefined && Date.now() < entry.staleUntil ? entry : undefined;
    },
    set: (key, entry) => void map.set(key, entry),
    delete: (key) => void map.delete(key),
    clear: () => map.clear(),
  };
}

describe('cacheTierContract', () => {
  it('passes a correct tier, skipping the cases of optional methods it lacks', async () => {
    const outcomes = await runContract(() => memoryTier());
    expect(outcomes.filter((o) => o.result === 'failed')).toEqual([]);
    expect(outcomes.filter((o) => o.result === 'skipped').map((o) => o.name)).toEqual([
      'grants a lock to one holder at a time, with growing fencing tokens',
      'keeps fencing tokens growing across clear()',
    ]);
  });

  it('fails a tier that judges expiry by Date.now() instead of the clock it is given, and says so', async () => {
    const failed = (await runContract(wallClockTier)).filter((o) => o.result === 'failed');
    expect(failed.map((o) => o.name)).toContain(
      "returns the entry it was given (value, times and tags), judging expiry by the cache's clock",
    );
    expect(failed[0]?.error).toContain('Date.now()');
  });

  it('asks for the runner when no global describe/it exists', () => {
    let thrown: unknown;
    try {
      cacheTierContract(() => memoryTier());
    } catch (error) {
      thrown = error;
    }
    expect(isBallastError(thrown) && thrown.code).toBe('INVALID_CONFIGURATION');
    expect(String(thrown)).toContain('node:test');
  });

  it('runs under node:test with no vitest in sight', () => {
    const fixture = fileURLToPath(new URL('./fixtures/node-test-contract.ts', import.meta.url));
    const run = spawnSync(process.execPath, [...sourceNodeArgs, '--test', '--test-reporter=tap', fixture], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status, run.stderr + run.stdout).toBe(0);
    expect(run.stdout).toMatch(/# pass 1[0-9]/);
    expect(run.stdout).toMatch(/# fail 0/);
  });
});
