import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Cluster, Redis } from 'ioredis';
import { requireRedis } from './redis.js';
import { type RedisCluster, startRedisCluster } from './redis-cluster.js';
import { type RedisSentinel, startRedisSentinel } from './redis-sentinel.js';

const run = promisify(execFile);

/** The Redis deployments the suites run against. */
export type RedisTopologyName = 'single' | 'cluster' | 'sentinel';

/** One Redis deployment to run a suite against, with its clients. */
export interface RedisTopology {
  readonly name: RedisTopologyName;
  /** Shards to give a sharded store on it: more than one on a Cluster, so that keys spread over masters. */
  readonly shards: number;
  /** A new ioredis client (a `Cluster` on a cluster, Sentinel-aware on Sentinel); `stop()` closes it. */
  client(): Redis | Cluster;
  /** Every key matching `pattern` (SCAN on every master), for checks and clean-up. */
  keys(pattern: string): Promise<string[]>;
  /** Deletes every key matching `pattern` on every master (never FLUSHDB). */
  deleteKeys(pattern: string): Promise<void>;
  /** The cluster processes, on `cluster`. */
  readonly cluster?: RedisCluster;
  /** The sentinel processes, on `sentinel`. */
  readonly sentinel?: RedisSentinel;
  /** Closes the clients made here and stops the processes started here (not the shared single node). */
  stop(): Promise<void>;
}

/**
 * Whether a `redis-server` binary can be started. When not: under `REQUIRE_REDIS=1` throws;
 * otherwise prints a loud warning and resolves `false`, so the caller skips.
 */
export async function requireRedisServer(
  bin = process.env.REDIS_SERVER_BIN ?? 'redis-server',
): Promise<boolean> {
  try {
    await run(bin, ['--version'], { timeout: 5_000 });
    return true;
  } catch {
    const message = `${bin} cannot be started, so Redis Cluster and Sentinel tests cannot run.`;
    if (process.env.REQUIRE_REDIS === '1') {
      throw new Error(
        `${message} REQUIRE_REDIS=1 is set, so they fail instead of skipping. Install redis-server.`,
      );
    }
    console.warn(
      `\n${'!'.repeat(72)}\n!! SKIPPING Redis Cluster/Sentinel tests: ${message}\n!! Install redis-server (or set REDIS_SERVER_BIN), or run with REQUIRE_REDIS=1 to fail.\n${'!'.repeat(72)}\n`,
    );
    return false;
  }
}

/** Options for {@link redisTopologies}. */
export interface RedisTopologiesOptions {
  /** Which to start. @defaultValue ['single', 'cluster', 'sentinel'] */
  include?: readonly RedisTopologyName[];
}

async function scanAll(client: Redis | Cluster, pattern: string): Promise<string[]> {
  if (client instanceof Cluster && client.status !== 'ready') {
    if (client.status === 'wait') await client.connect();
    else await new Promise((resolve) => client.once('ready', resolve));
  }
  const nodes = client instanceof Cluster ? client.nodes('master') : [client];
  const found: string[] = [];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      found.push(...keys);
    } while (cursor !== '0');
  }
  return found;
}

/** Adds `keys` and `deleteKeys`, run on a client of the topology's own. */
function withKeys(topology: Omit<RedisTopology, 'keys' | 'deleteKeys'>): RedisTopology {
  let admin: Redis | Cluster | undefined;
  const keys = (pattern: string): Promise<string[]> => {
    admin ??= topology.client();
    return scanAll(admin, pattern);
  };
  return {
    ...topology,
    keys,
    async deleteKeys(pattern) {
      for (const key of await keys(pattern)) await admin!.del(key);
    },
  };
}

function tracked<T extends Redis | Cluster>(clients: Array<Redis | Cluster>, client: T): T {
  clients.push(client);
  // Failovers make clients report errors; tests read outcomes, not these.
  client.on('error', () => {});
  return client;
}

/**
 * The topologies to parametrize a Redis suite by: the shared single node at `REDIS_URL`,
 * a throwaway 3+3 Redis Cluster and a throwaway Sentinel setup (1 master, 1 replica,
 * 3 sentinels). Those unavailable are left out after a loud warning (or fail the file under
 * `REQUIRE_REDIS=1`). Call `stop()` on each in `afterAll`.
 *
 * @example
 * const topologies = await redisTopologies();
 * afterAll(() => Promise.all(topologies.map((t) => t.stop())));
 * describe.each(topologies)('on $name', (topology) => { ... });
 */
export async function redisTopologies(options: RedisTopologiesOptions = {}): Promise<RedisTopology[]> {
  const include = new Set(options.include ?? ['single', 'cluster', 'sentinel']);
  const topologies: RedisTopology[] = [];
  if (include.has('single')) {
    const url = await requireRedis();
    if (url !== undefined) {
      const clients: Redis[] = [];
      topologies.push(
        withKeys({
          name: 'single',
          shards: 1,
          client: () => tracked(clients, new Redis(url)),
          stop: async () => {
            for (const client of clients) client.disconnect();
          },
        }),
      );
    }
  }
  const spawned = (include.has('cluster') || include.has('sentinel')) && (await requireRedisServer());
  if (!spawned) return topologies;
  const [cluster, sentinel] = await Promise.all([
    include.has('cluster') ? startRedisCluster() : undefined,
    include.has('sentinel') ? startRedisSentinel() : undefined,
  ]);
  if (cluster !== undefined) {
    const clients: Cluster[] = [];
    topologies.push(
      withKeys({
        name: 'cluster',
        shards: 8,
        cluster,
        client: () =>
          tracked(
            clients,
            new Cluster([...cluster.startupNodes], {
              slotsRefreshInterval: 500,
              redisOptions: { connectTimeout: 1_000 },
            }),
          ),
        stop: async () => {
          for (const client of clients) client.disconnect();
          await cluster.stop();
        },
      }),
    );
  }
  if (sentinel !== undefined) {
    const clients: Redis[] = [];
    topologies.push(
      withKeys({
        name: 'sentinel',
        shards: 1,
        sentinel,
        client: () =>
          tracked(clients, new Redis({ sentinels: [...sentinel.sentinels], name: sentinel.name })),
        stop: async () => {
          for (const client of clients) client.disconnect();
          await sentinel.stop();
        },
      }),
    );
  }
  return topologies;
}
