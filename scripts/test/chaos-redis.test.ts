import { requireRedisServer } from '@ballast/test-utils';
import { describe, expect, it } from 'vitest';
import { runFailoverScenario } from '../lib/redis-failover.ts';

// A chaos run (a 6-node cluster, kills, failovers, ~30-60 s): not part of the default test
// run, where its length under coverage made it time out. CI runs the same scenario as its own
// step (`pnpm chaos:redis`, which exits 1 on a missed correctness target); this file asserts
// the figures when asked: `BALLAST_CHAOS=1 pnpm vitest run --project repo scripts/test/chaos-redis.test.ts`.
const asked = process.env.BALLAST_CHAOS === '1';
const available = asked && (await requireRedisServer());

describe.skipIf(!available)('Redis Cluster failover under load (real redis-server processes)', () => {
  it('fails no read, serves nothing stale once recovered from a kill, a failover and a slot move, repeats no fencing token and loses no bus message silently', async () => {
    const figures = await runFailoverScenario({ phaseMs: 500 });
    expect(figures.reads).toBeGreaterThan(0);
    expect(figures.failedReads).toBe(0);
    // Targets of issue #19: nothing stale once recovery has run, after a slot move too, and
    // no fencing token handed out twice across the kill.
    expect(figures.staleAfterRecovery).toBe(0);
    expect(figures.staleAfterSlotMove).toBe(0);
    expect(figures.duplicateTokens).toBe(0);
    expect(figures.locks).toBeGreaterThan(0);
    // Every message the peer missed was covered by a reconnect, which cleared its L1.
    if (figures.busLost > 0) expect(figures.busReconnects).toBeGreaterThan(0);
  }, 120_000);
});
