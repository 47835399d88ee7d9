// A failover scenario on a throwaway 3+3 Redis Cluster, under a steady loop of reads and
// writes: a master killed (SIGKILL) while it holds the bus channel, a `CLUSTER FAILOVER` on a
// replica, a slot moved (MIGRATING/IMPORTING, -ASK/-MOVED) and a master hanging (DEBUG SLEEP).
// Used by `scripts/chaos-redis.ts` (figures as a table) and `scripts/test/chaos-redis.test.ts`.
import { setTimeout as sleep } from 'node:timers/promises';
import { type Cache, createCache, memoryTier, redisBus, redisTier } from '@ballast/cache';
import { redisRateLimiter } from '@ballast/resilience';
import { eventually, type RedisTopology, redisTopologies, uniquePrefix } from '@ballast/test-utils';

/** What one run measured. */
export interface FailoverFigures {
  /** Reads by the writer, and those that rejected (target 0). */
  reads: number;
  failedReads: number;
  writes: number;
  /** From the kill until the Redis tier last failed: after that it served again (ms). */
  redisBackAfterMs: number;
  /** Reads older than the reader's own last write, once recovery had run after the kill and the failover (target 0). */
  staleAfterRecovery: number;
  /** The same once the slot move had finished (measured; see the scaling guide). */
  staleAfterSlotMove: number;
  /** The same during the outages, before recovery (for comparison). */
  staleDuringOutages: number;
  keysRepaired: number;
  /** Rate-limiter decisions admitted without Redis (fail open), and the window they span (ms). */
  failOpenAdmissions: number;
  failOpenWindowMs: number;
  limiterMax: number;
  /** Lock grants and grants whose fencing token repeated an earlier one (target 0). */
  locks: number;
  duplicateTokens: number;
  /** Invalidations published by one instance and not received by the other, and the other's reconnects. */
  busSent: number;
  busLost: number;
  busReconnects: number;
  /** Latency of reads and writes while a master hangs (ms), and the timeout budget. */
  hangP99Ms: number;
  hangMaxMs: number;
  timeoutMs: number;
}

const percentile = (values: number[], p: number): number => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

/** Runs the scenario; each phase lasts about `phaseMs` of steady load. */
export async function runFailoverScenario(
  options: { phaseMs?: number; log?: (line: string) => void } = {},
): Promise<FailoverFigures> {
  const phaseMs = options.phaseMs ?? 2_000;
  const log = options.log ?? (() => {});
  const [topology] = await redisTopologies({ include: ['cluster'] });
  if (topology === undefined) throw new Error('redis-server is needed for the failover scenario');
  try {
    return await scenario(topology, phaseMs, log);
  } finally {
    await topology.stop();
  }
}

async function scenario(
  topology: RedisTopology,
  phaseMs: number,
  log: (line: string) => void,
): Promise<FailoverFigures> {
  const cluster = topology.cluster!;
  const prefix = uniquePrefix('chaos-redis');
  const channel = `${prefix}bus`;
  const timeoutMs = 250;
  const protection = { timeout: timeoutMs, failures: 3, halfOpenAfter: 300 };
  const admin = topology.client();
  await admin.ping();
  log('cluster up');

  /** The port of the master serving `slot` now, per the cluster itself. */
  const ownerOf = async (slot: number): Promise<number> => {
    const shards = (await admin.cluster('SLOTS')) as unknown as Array<[number, number, [string, number]]>;
    const range = shards.find(([from, to]) => slot >= from && slot <= to);
    return range![2][1];
  };
  const slotOf = async (key: string): Promise<number> => Number(await admin.cluster('KEYSLOT', key));
  const idOf = async (port: number): Promise<string> => (await cluster.cli(port, 'CLUSTER', 'MYID')).trim();

  const make = (): Cache => {
    const client = topology.client();
    const cache = createCache({
      name: 'chaos',
      tiers: [memoryTier(), redisTier({ client, prefix, shards: 8 })],
      bus: redisBus({ client, channel, heartbeat: 500 }),
      ttl: '10m',
      grace: '10m',
      protection,
    });
    cache.on('error', () => {});
    return cache;
  };
  const writer = make();
  const peer = make();
  const lockTiers = [0, 1].map(() =>
    redisTier({ client: topology.client(), prefix: `${prefix}locks:`, shards: 8 }),
  );

  // The limiter's key lives on the master that is killed, as does the bus channel.
  const channelOwner = await ownerOf(await slotOf(channel));
  let limiterKey = 'rl';
  for (let i = 0; (await ownerOf(await slotOf(limiterKey))) !== channelOwner; i++) limiterKey = `rl${i}`;
  const limiterMax = 200;
  const limiter = redisRateLimiter({
    client: topology.client(),
    limits: [{ max: limiterMax, per: '1s' }],
    prefix: `${prefix}rl:`,
    timeout: timeoutMs,
  });
  log(`limiter key ${limiterKey} and channel on port ${channelOwner}`);
  const failOpen: number[] = [];
  limiter.on('error', ({ allowed }) => {
    if (allowed) failOpen.push(Date.now());
  });

  // Figures.
  const keys = Array.from({ length: 100 }, (_, i) => `k${i}`);
  const lastWritten = new Map<string, number>();
  let version = 0;
  let reads = 0;
  let failedReads = 0;
  let writes = 0;
  let stale = 0;
  let phase: 'steady' | 'outage' | 'recovered' | 'hang' = 'steady';
  let step = 'warm-up';
  const staleBy = { steady: 0, outage: 0, recovered: 0, hang: 0 };
  let staleAfterMove = 0;
  const hangLatencies: number[] = [];
  const tokens = new Set<number>();
  let locks = 0;
  let duplicateTokens = 0;
  let tierFailedAt = 0;
  // CHAOS_DEBUG=1: each key's story (writes, reads, factory runs, errors, kills, reconnects),
  // printed when a read of it comes back stale.
  const debug = process.env.CHAOS_DEBUG === '1';
  const history = new Map<string, string[]>();
  const started = Date.now();
  const note = (key: string | undefined, what: string): void => {
    if (!debug || key === undefined) return;
    const lines = history.get(key) ?? [];
    lines.push(`${Date.now() - started} ms ${what}`);
    history.set(key, lines);
  };
  const noteAll = (what: string): void => {
    for (const key of keys) note(key, `=== ${what}`);
  };
  writer.on('error', ({ tier, operation, key, error }) => {
    if (tier === 'redis') tierFailedAt = Date.now();
    note(
      key,
      `${operation} failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
  });
  writer.on('bus:reconnect', () => noteAll('bus reconnected (L1 cleared)'));
  let received = 0;
  let reconnects = 0;
  peer.on('invalidate', ({ keys: changed }) => {
    received += changed?.length ?? 0;
  });
  peer.on('bus:reconnect', () => {
    reconnects++;
  });

  // Both subscriptions up before the load starts.
  let probe = 0;
  await eventually(
    async () => {
      const before = received;
      await writer.set(`probe${probe++}`, 0);
      await sleep(20);
      return received > before;
    },
    'the bus subscriptions',
    20_000,
  );
  received = 0;
  let sent = 0;

  let running = true;
  const loop = async (): Promise<void> => {
    let i = 0;
    while (running) {
      i++;
      const key = keys[i % keys.length]!;
      const started = performance.now();
      if (i % 3 === 0) {
        version++;
        lastWritten.set(key, version);
        note(key, `set ${version} (${phase}/${step})`);
        await writer.set(key, version);
        note(key, `set ${version} done (recovery ${JSON.stringify(writer.stats().tiers[1]?.recovery)})`);
        writes++;
        sent++;
      } else {
        reads++;
        try {
          const value = await writer.getOrSet(key, () => {
            note(key, `factory ${lastWritten.get(key)}`);
            return lastWritten.get(key) ?? 0;
          });
          note(key, `read ${value}`);
          if (value < (lastWritten.get(key) ?? 0)) {
            stale++;
            if (phase === 'recovered' && (step === 'move' || step === 'hang')) staleAfterMove++;
            else staleBy[phase]++;
            log(`stale in ${phase} (${step}): ${key} = ${value} < ${lastWritten.get(key)}`);
            if (debug) log(`history of ${key}:\n    ${(history.get(key) ?? []).join('\n    ')}`);
          }
        } catch {
          failedReads++;
        }
      }
      if (phase === 'hang') hangLatencies.push(performance.now() - started);
      if (i % 5 === 0) void limiter.take(limiterKey);
      if (i % 10 === 0) {
        const lock = await lockTiers[i % 2]!.lock?.('job', 2_000).catch(() => undefined);
        if (lock !== undefined) {
          locks++;
          if (tokens.has(lock.fencingToken)) duplicateTokens++;
          tokens.add(lock.fencingToken);
          await lock.release();
        }
      }
      await sleep(2);
    }
  };
  const running$ = loop();
  const settle = async (): Promise<void> => {
    await cluster.waitForOk(30_000);
    await eventually(
      () =>
        (writer.stats().tiers[1]?.recovery?.pending ?? 0) === 0 &&
        writer.stats().tiers[1]?.breaker === 'closed',
      'recovery',
      30_000,
    );
  };

  await sleep(phaseMs);

  // 1. Kill the master holding the bus channel and the limiter key.
  log(`killing the master on port ${channelOwner}`);
  const victim = cluster.servers.find((server) => server.port === channelOwner)!;
  phase = 'outage';
  step = 'kill';
  const killedAt = Date.now();
  await victim.kill('SIGKILL');
  noteAll(`master on port ${channelOwner} killed`);
  await settle();
  noteAll('recovered from the kill');
  const redisBackAfterMs = Math.max(0, tierFailedAt - killedAt);
  phase = 'recovered';
  await sleep(phaseMs);
  await victim.restart(); // rejoins as a replica of the promoted node
  await cluster.waitForOk(30_000);

  // 2. A manual failover: a replica takes over its master's slots.
  phase = 'outage';
  step = 'failover';
  const replicaPort = (await cluster.cli(victim.port, 'ROLE')).includes('slave') ? victim.port : undefined;
  if (replicaPort !== undefined) {
    log(`CLUSTER FAILOVER on port ${replicaPort}`);
    await cluster.cli(replicaPort, 'CLUSTER', 'FAILOVER');
  }
  await settle();
  phase = 'recovered';
  await sleep(phaseMs);

  // 3. Move the slot of one data shard to another master, key by key (-ASK, then -MOVED).
  phase = 'outage';
  step = 'move';
  const slot = await slotOf('s0');
  const from = await ownerOf(slot);
  const to = (await cluster.masters()).find((port) => port !== from)!;
  log(`moving slot ${slot} from ${from} to ${to}`);
  const [fromId, toId] = [await idOf(from), await idOf(to)];
  await cluster.cli(to, 'CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', fromId);
  await cluster.cli(from, 'CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', toId);
  for (;;) {
    const batch = (await cluster.cli(from, 'CLUSTER', 'GETKEYSINSLOT', String(slot), '50')).trim();
    if (batch === '') break;
    await cluster.cli(
      from,
      'MIGRATE',
      '127.0.0.1',
      String(to),
      '',
      '0',
      '5000',
      'KEYS',
      ...batch.split('\n'),
    );
  }
  // The new owner first, then the old one, then the rest (as `redis-cli --cluster reshard`).
  const others = (await cluster.masters()).filter((port) => port !== to && port !== from);
  for (const port of [to, from, ...others]) {
    const reply = await cluster.cli(port, 'CLUSTER', 'SETSLOT', String(slot), 'NODE', toId);
    if (!reply.startsWith('OK')) throw new Error(`SETSLOT NODE on ${port}: ${reply.trim()}`);
  }
  await settle();
  phase = 'recovered';
  await sleep(phaseMs);

  // 4. A master hangs for 0.8 s (under the cluster's node timeout: no failover).
  phase = 'hang';
  step = 'hang';
  const hung = await ownerOf(slot);
  log(`DEBUG SLEEP 0.8 on port ${hung}`);
  await cluster.cli(hung, 'DEBUG', 'SLEEP', '0.8');
  phase = 'recovered';
  await settle();
  await sleep(phaseMs);

  running = false;
  await running$;
  await eventually(() => received >= sent || reconnects > 0, 'the last messages', 5_000).catch(() => {});
  const figures: FailoverFigures = {
    reads,
    failedReads,
    writes,
    redisBackAfterMs,
    staleAfterRecovery: staleBy.recovered + staleBy.steady,
    staleAfterSlotMove: staleAfterMove,
    staleDuringOutages: staleBy.outage + staleBy.hang,
    keysRepaired: writer.stats().tiers[1]?.recovery?.repaired ?? 0,
    failOpenAdmissions: failOpen.length,
    failOpenWindowMs: failOpen.length === 0 ? 0 : failOpen[failOpen.length - 1]! - failOpen[0]!,
    limiterMax,
    locks,
    duplicateTokens,
    busSent: sent,
    busLost: Math.max(0, sent - received),
    busReconnects: reconnects,
    hangP99Ms: Math.round(percentile(hangLatencies, 99)),
    hangMaxMs: Math.round(Math.max(0, ...hangLatencies)),
    timeoutMs,
  };
  await topology.deleteKeys(`${prefix}*`).catch(() => {});
  await writer.close();
  await peer.close();
  for (const tier of lockTiers) await tier.close?.();
  void stale;
  return figures;
}
