import { createEmitter, type HealthIndicator, systemClock } from '@ballast/core';
import { durationOption, integerOption, invalidOption } from '@ballast/errors';
import type { CacheBus } from './bus/bus.js';
import type { CacheEvents } from './events.js';
import { CacheEngine } from './internal/engine.js';
import { createGuard, protectionSettings } from './internal/guard.js';
import { Recovery } from './internal/recovery.js';
import { TierRunner } from './internal/tier-runner.js';
import { WriteBehind } from './internal/write-behind.js';
import type { Cache, CacheOptions, WriteBehindOptions } from './options.js';
import { DEFAULT_POLICY, type ResolvedPolicy, resolvePolicy } from './policy.js';
import { SingleFlight } from './read/single-flight.js';
import { type CacheStats, hitRatio, type WriteBehindStats, withRatio } from './stats.js';
import { type CacheMetricsSource, observeCache } from './telemetry.js';
import type { CacheTier } from './tier.js';
import { memoryTier } from './tiers/memory.js';
import { createView } from './view.js';

function checkTiers(tiers: unknown): readonly CacheTier[] {
  if (!Array.isArray(tiers) || tiers.length === 0) {
    throw invalidOption('tiers', tiers, 'a non-empty array of cache tiers, fastest first');
  }
  tiers.forEach((tier: Partial<CacheTier> | undefined, index) => {
    const ok =
      typeof tier === 'object' &&
      tier !== null &&
      typeof tier.name === 'string' &&
      ['get', 'set', 'delete', 'clear'].every(
        (method) => typeof tier[method as keyof CacheTier] === 'function',
      );
    if (!ok)
      throw invalidOption(
        `tiers[${index}]`,
        tier,
        'an object implementing CacheTier (name, get, set, delete, clear)',
      );
  });
  return tiers as CacheTier[];
}

/** Keys per shared tier that auto-recovery remembers (see `RecoveryStats`). */
const RECOVERY_LIMIT = 10_000;

function checkBus(bus: unknown): CacheBus | undefined {
  if (bus === undefined) return undefined;
  const ok =
    typeof bus === 'object' &&
    bus !== null &&
    ['publish', 'subscribe', 'close'].every(
      (method) => typeof (bus as Record<string, unknown>)[method] === 'function',
    );
  if (!ok)
    throw invalidOption('bus', bus, 'a CacheBus (publish, subscribe, close), such as redisBus({ client })');
  return bus as CacheBus;
}

function writeBehindSettings(options: WriteBehindOptions | boolean | undefined) {
  if (options === undefined || options === false) return undefined;
  if (options !== true && (typeof options !== 'object' || options === null)) {
    throw invalidOption(
      'writeBehind',
      options,
      'true, false or { flushInterval, maxBatch, maxQueue, maxAttempts }',
    );
  }
  const given = options === true ? {} : options;
  return {
    flushInterval: Math.max(1, durationOption('writeBehind.flushInterval', given.flushInterval ?? 100)),
    maxBatch: integerOption('writeBehind.maxBatch', given.maxBatch ?? 100, 1),
    maxQueue: integerOption('writeBehind.maxQueue', given.maxQueue ?? 10_000, 1),
    maxAttempts: integerOption('writeBehind.maxAttempts', given.maxAttempts ?? 3, 1),
  };
}

function writeBehindStats(queue: WriteBehind | undefined): WriteBehindStats | undefined {
  if (queue === undefined) return undefined;
  const { pending: queued, flushed, failed, dropped, superseded } = queue;
  return { queued, flushed, failed, dropped, superseded };
}

/**
 * Creates a tiered cache: memory (L1) → Redis → disk or any `CacheTier`, fastest first.
 * Every tier that is not in-process runs behind a circuit breaker and a timeout, so a
 * Redis outage slows nothing and fails nothing: reads fall back to L1, stale values or
 * the factory, writes to the broken tier are skipped and counted.
 *
 * @throws ConfigurationError naming the option for any invalid option.
 *
 * @example
 * const cache = createCache({ tiers: [memoryTier({ maxBytes: '50MB' })], ttl: '5m', grace: '1h' });
 * const user = await cache.getOrSet(`user:${id}`, () => db.users.find(id));
 */
export function createCache(options: CacheOptions = {}): Cache {
  const name = options.name ?? 'default';
  if (typeof name !== 'string' || name.length === 0) throw invalidOption('name', name, 'a non-empty string');
  const tiers = checkTiers(options.tiers ?? [memoryTier()]);
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const maxKeyLength = integerOption('maxKeyLength', options.maxKeyLength ?? 1024, 1);
  const base = resolvePolicy(DEFAULT_POLICY, options, 'createCache');
  const policies = new Map<string, ResolvedPolicy>();
  for (const [namespace, policy] of Object.entries(options.policies ?? {})) {
    policies.set(namespace, resolvePolicy(base, policy, `policies.${namespace}`));
  }
  const protection = protectionSettings(options.protection);
  const writeBehind = writeBehindSettings(options.writeBehind);
  const emitter = createEmitter<CacheEvents>();
  const guards = tiers.map((tier) =>
    tier.getSync === undefined ? createGuard(tier.name, protection, clock, emitter) : undefined,
  );
  const runner = new TierRunner(tiers, guards, emitter, name);
  const bus = checkBus(options.bus);
  const engine = new CacheEngine({ name, tiers, runner, clock, random, emitter, bus, maxKeyLength });
  if (writeBehind !== undefined)
    engine.writeBehind = new WriteBehind(runner, engine.remote, clock, writeBehind, engine);
  const recovery = new Recovery(
    {
      tiers,
      clock,
      queued: (key) => engine.writeBehind?.latest(key) !== undefined,
      local: (key) => engine.l1?.getSync?.(key),
      get: (index, key) => runner.get(index, key),
      set: (index, key, entry) => runner.set(index, key, entry),
      delete: (index, key) => runner.delete(index, key),
      deleteByTag: (index, tag) => runner.deleteByTag(index, tag),
      clear: (index) => runner.clear(index),
      publish: (message) => void engine.publish(message),
    },
    RECOVERY_LIMIT,
  );
  runner.recovery = recovery;
  emitter.on('breaker', ({ tier, state }) => {
    if (state === 'closed') void recovery.repair(tiers.findIndex((candidate) => candidate.name === tier));
  });

  const stats = (): CacheStats => {
    const totals = { hits: 0, misses: 0, stale: 0, sets: 0, deletes: 0, errors: 0 };
    const namespaces: CacheStats['namespaces'] = {};
    for (const [namespace, counters] of engine.namespaces) {
      namespaces[namespace] = withRatio(counters);
      for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += counters[key];
    }
    const l1 = engine.l1?.stats?.();
    return {
      name,
      ...withRatio(totals),
      l1: engine.l1 === undefined ? undefined : { entries: l1?.entries ?? 0, bytes: l1?.bytes ?? 0 },
      tiers: tiers.map((tier, index) => {
        const guard = guards[index];
        const counters = runner.counters[index]!;
        const recovered = guard === undefined ? undefined : recovery.stats(index);
        return {
          name: tier.name,
          ...counters,
          hitRatio: hitRatio(counters),
          ...tier.stats?.(),
          ...(guard === undefined ? {} : { breaker: guard.state }),
          ...(recovered === undefined ? {} : { recovery: recovered }),
        };
      }),
      namespaces,
      writeBehind: writeBehindStats(engine.writeBehind),
    };
  };

  const health: HealthIndicator = {
    name: `cache:${name}`,
    check: async () => {
      const guarded = tiers.flatMap((tier, index) => {
        const guard = guards[index];
        return guard === undefined ? [] : [{ tier: tier.name, state: guard.state }];
      });
      const broken = guarded.filter(({ state }) => state !== 'closed');
      const busHealth = bus?.health?.();
      const details = {
        tiers: Object.fromEntries(guarded.map(({ tier, state }) => [tier, state])),
        ...(busHealth === undefined ? {} : { bus: busHealth.output }),
      };
      const busWarn = busHealth?.status === 'warn';
      if (broken.length === 0 && !busWarn) {
        return { status: 'pass', output: 'every tier reachable', details };
      }
      const outputs = [
        ...(broken.length === 0
          ? []
          : [
              `circuit ${broken.map(({ tier, state }) => `${tier}: ${state}`).join(', ')}; serving from the other tiers`,
            ]),
        ...(busWarn ? [`bus: ${busHealth.output}`] : []),
      ];
      const checks = [...broken.map(({ tier }) => tier), ...(busWarn ? ['bus'] : [])];
      return {
        status: 'warn',
        output: outputs.join('; '),
        details,
        suggestion: `Check the ${checks.join(', ')} connection; the cache recovers by itself once it answers.`,
      };
    },
  };

  // Read by the observable instruments at collection time; `closed` stops its points.
  const metrics: CacheMetricsSource = { name, stats, closed: false };
  observeCache(metrics);
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await engine.writeBehind?.close();
      await bus?.close();
      for (const tier of tiers) await tier.close?.();
      for (const guard of guards) guard?.close();
      metrics.closed = true;
    })();
    return closing;
  };

  if (bus !== undefined) {
    const onError = (error: unknown): void => emitter.emit('error', { operation: 'bus', tier: 'bus', error });
    Promise.resolve()
      .then(() =>
        bus.subscribe({
          message: (message) => engine.receive(message),
          reconnect: () => {
            // A gap in the bus often means a failover: Redis may have dropped the writes it
            // acknowledged last, so check them again (before L1, which holds them, is cleared).
            for (let index = 0; index < tiers.length; index++) recovery.failed(index);
            engine.reconnected();
          },
          error: onError,
        }),
      )
      .catch(onError);
  }

  return createView(engine, new SingleFlight(engine), '', base, {
    policies,
    on: emitter.on,
    stats,
    health,
    close,
  });
}
