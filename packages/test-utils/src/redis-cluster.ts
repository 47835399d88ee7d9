import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';
import { type RedisServer, startRedisServer } from './redis-server.js';

const run = promisify(execFile);

/** A throwaway Redis Cluster of real `redis-server` processes on loopback. */
export interface RedisCluster {
  /** Every node, masters and replicas, as `{ host, port }` for `new Cluster(startupNodes)`. */
  readonly startupNodes: ReadonlyArray<{ host: string; port: number }>;
  /** The processes, in the order they were started. */
  readonly servers: readonly RedisServer[];
  /** Runs `redis-cli` against a node, e.g. `cli(port, 'CLUSTER', 'FAILOVER')`; resolves its stdout. */
  cli(port: number, ...args: string[]): Promise<string>;
  /** The ports of the nodes that are masters now, from a node's view of `CLUSTER NODES`. */
  masters(): Promise<number[]>;
  /** Resolves once every live node reports `cluster_state:ok` and agrees on the masters. */
  waitForOk(timeoutMs?: number): Promise<void>;
  /** Kills every node and removes their directories; safe to call twice. */
  stop(): Promise<void>;
}

/** Options for {@link startRedisCluster}. */
export interface RedisClusterOptions {
  /** Masters; each gets `replicas` replicas. @defaultValue 3 */
  masters?: number;
  /** @defaultValue 1 */
  replicas?: number;
  /** `cluster-node-timeout`: how soon a dead master is failed over (ms). @defaultValue 1000 */
  nodeTimeoutMs?: number;
  /** The `redis-server` binary. @defaultValue `REDIS_SERVER_BIN` or `redis-server` */
  bin?: string;
  /** The `redis-cli` binary. @defaultValue `REDIS_CLI_BIN` or `redis-cli` */
  cli?: string;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free port whose cluster bus port (port + 10000) is free too. */
async function freeClusterPort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + 10_000 > 65_535 || taken.has(port) || taken.has(port + 10_000)) continue;
    if (await portFree(port + 10_000)) {
      taken.add(port);
      taken.add(port + 10_000);
      return port;
    }
  }
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await sleep(50);
  }
}

/**
 * Starts a Redis Cluster (3 masters and 3 replicas by default) of `redis-server --cluster-enabled yes`
 * processes on free loopback ports, creates it with `redis-cli --cluster create … --cluster-yes`
 * and waits for `cluster_state:ok` on every node. Nodes keep their `nodes.conf` in a temporary
 * directory that `stop()` removes. Always `stop()` it in `afterAll`.
 */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisCluster> {
  const masters = options.masters ?? 3;
  const replicas = options.replicas ?? 1;
  const nodeTimeout = options.nodeTimeoutMs ?? 1_000;
  const cliBin = options.cli ?? process.env.REDIS_CLI_BIN ?? 'redis-cli';
  const dir = await mkdtemp(join(tmpdir(), 'ballast-cluster-'));
  const servers: RedisServer[] = [];
  const taken = new Set<number>();
  const cli = async (port: number, ...args: string[]): Promise<string> =>
    (await run(cliBin, ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 10_000 })).stdout;

  const stop = async (): Promise<void> => {
    await Promise.all(servers.map((server) => server.stop()));
    // A replication fork of a killed server may still be writing its RDB: retry.
    await rm(dir, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 });
  };

  const liveNodes = async (): Promise<RedisServer[]> => {
    const alive: RedisServer[] = [];
    for (const server of servers) {
      if ((await cli(server.port, 'PING').catch(() => '')).trim() === 'PONG') alive.push(server);
    }
    return alive;
  };

  const mastersOf = async (port: number): Promise<number[]> => {
    const lines = (await cli(port, 'CLUSTER', 'NODES')).trim().split('\n');
    return lines
      .filter((line) => {
        const flags = line.split(' ')[2] ?? '';
        return flags.includes('master') && !flags.includes('fail') && line.split(' ').length > 8;
      })
      .map((line) => Number(/:(\d+)@/.exec(line)?.[1]))
      .sort((a, b) => a - b);
  };

  const waitForOk = async (timeoutMs = 20_000): Promise<void> => {
    await until(
      async () => {
        const alive = await liveNodes();
        const views = await Promise.all(
          alive.map(async (server) => ({
            ok: (await cli(server.port, 'CLUSTER', 'INFO')).includes('cluster_state:ok'),
            masters: (await mastersOf(server.port)).join(','),
          })),
        );
        return (
          views.length > 0 &&
          views.every((view) => view.ok && view.masters === views[0]!.masters) &&
          views[0]!.masters.split(',').length === masters
        );
      },
      'cluster_state:ok on every node',
      timeoutMs,
    );
  };

  try {
    for (let i = 0; i < masters * (1 + replicas); i++) {
      const port = await freeClusterPort(taken);
      servers.push(
        await startRedisServer({
          bin: options.bin,
          port,
          args: [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            join(dir, `nodes-${port}.conf`),
            '--cluster-node-timeout',
            String(nodeTimeout),
            '--dir',
            dir,
            // For DEBUG SLEEP: a master that hangs without failing over.
            '--enable-debug-command',
            'local',
            // Full resyncs stream the RDB instead of writing it to the directory.
            '--repl-diskless-sync',
            'yes',
            '--repl-diskless-sync-delay',
            '0',
          ],
        }),
      );
    }
    await run(
      cliBin,
      [
        '--cluster',
        'create',
        ...servers.map((server) => `127.0.0.1:${server.port}`),
        '--cluster-replicas',
        String(replicas),
        '--cluster-yes',
      ],
      { timeout: 30_000 },
    );
    await waitForOk();
    // Every replica must have synced before a test kills its master.
    await until(
      async () => {
        for (const server of servers) {
          const info = await cli(server.port, 'INFO', 'replication');
          if (info.includes('role:slave') && !info.includes('master_link_status:up')) return false;
        }
        return true;
      },
      'every replica in sync',
      20_000,
    );
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    startupNodes: servers.map((server) => ({ host: '127.0.0.1', port: server.port })),
    servers,
    cli,
    masters: async () => mastersOf((await liveNodes())[0]!.port),
    waitForOk,
    stop,
  };
}
