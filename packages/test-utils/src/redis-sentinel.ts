import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';
import { type RedisServer, startRedisServer } from './redis-server.js';

const run = promisify(execFile);

/** A throwaway Sentinel setup: one master, its replicas and a quorum of sentinels. */
export interface RedisSentinel {
  /** The monitored master's name, for ioredis's `name` option. */
  readonly name: string;
  /** The sentinels as `{ host, port }`, for ioredis's `sentinels` option. */
  readonly sentinels: ReadonlyArray<{ host: string; port: number }>;
  /** The data nodes: the first master, then the replicas. */
  readonly servers: readonly RedisServer[];
  /** The port of the master the sentinels name now. */
  master(): Promise<number>;
  /** Kills every process and removes the config directory; safe to call twice. */
  stop(): Promise<void>;
}

/** Options for {@link startRedisSentinel}. */
export interface RedisSentinelOptions {
  /** @defaultValue 1 */
  replicas?: number;
  /** @defaultValue 3 */
  sentinels?: number;
  /** `down-after-milliseconds`: how soon a dead master is noticed. @defaultValue 1000 */
  downAfterMs?: number;
  /** The `redis-server` binary. @defaultValue `REDIS_SERVER_BIN` or `redis-server` */
  bin?: string;
  /** The `redis-cli` binary. @defaultValue `REDIS_CLI_BIN` or `redis-cli` */
  cli?: string;
}

/**
 * Starts a master, its replicas (1 by default) and sentinels (3, quorum 2) as real
 * `redis-server` processes on free loopback ports, and waits until every sentinel knows
 * the master and its replicas. Always `stop()` it in `afterAll`.
 */
export async function startRedisSentinel(options: RedisSentinelOptions = {}): Promise<RedisSentinel> {
  const replicas = options.replicas ?? 1;
  const count = options.sentinels ?? 3;
  const downAfter = options.downAfterMs ?? 1_000;
  const cliBin = options.cli ?? process.env.REDIS_CLI_BIN ?? 'redis-cli';
  const name = 'ballast';
  const dir = await mkdtemp(join(tmpdir(), 'ballast-sentinel-'));
  const servers: RedisServer[] = [];
  const watchers: RedisServer[] = [];
  const cli = async (port: number, ...args: string[]): Promise<string> =>
    (await run(cliBin, ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 10_000 })).stdout;
  const stop = async (): Promise<void> => {
    await Promise.all([...watchers, ...servers].map((server) => server.stop()));
    // A replication fork of a killed server may still be writing its RDB: retry.
    await rm(dir, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 });
  };

  try {
    const master = await startRedisServer({ bin: options.bin });
    servers.push(master);
    for (let i = 0; i < replicas; i++) {
      servers.push(
        await startRedisServer({ bin: options.bin, args: ['--replicaof', '127.0.0.1', String(master.port)] }),
      );
    }
    for (let i = 0; i < count; i++) {
      const port = await freePort();
      const file = join(dir, `sentinel-${port}.conf`);
      await writeFile(
        file,
        [
          `port ${port}`,
          `dir ${dir}`,
          `sentinel monitor ${name} 127.0.0.1 ${master.port} ${Math.floor(count / 2) + 1}`,
          `sentinel down-after-milliseconds ${name} ${downAfter}`,
          `sentinel failover-timeout ${name} ${Math.max(3 * downAfter, 3_000)}`,
          `sentinel parallel-syncs ${name} 1`,
          '',
        ].join('\n'),
      );
      watchers.push(
        await startRedisServer({ bin: options.bin, port, configFile: file, args: ['--sentinel'] }),
      );
    }
    const deadline = Date.now() + 20_000;
    for (;;) {
      const ready = await Promise.all(
        watchers.map(async (watcher) => {
          const info = await cli(watcher.port, 'INFO', 'sentinel').catch(() => '');
          return info.includes(`slaves=${replicas},sentinels=${count}`);
        }),
      );
      const synced = await cli(servers[1]?.port ?? master.port, 'INFO', 'replication').catch(() => '');
      if (ready.every(Boolean) && (replicas === 0 || synced.includes('master_link_status:up'))) break;
      if (Date.now() > deadline)
        throw new Error('the sentinels did not find the master and replicas in time');
      await sleep(50);
    }
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    name,
    sentinels: watchers.map((watcher) => ({ host: '127.0.0.1', port: watcher.port })),
    servers,
    async master() {
      const reply = await cli(watchers[0]!.port, 'SENTINEL', 'get-master-addr-by-name', name);
      return Number(reply.trim().split('\n')[1]);
    },
    stop,
  };
}
