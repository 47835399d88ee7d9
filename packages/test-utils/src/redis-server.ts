import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { pingRedis } from './redis.js';

/** A throwaway `redis-server` process for outage tests. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Kills the process (SIGKILL by default, like a crash) and waits for it to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port, waiting until it answers PING. */
  restart(): Promise<void>;
  /** Kills it for good; safe to call twice. */
  stop(): Promise<void>;
}

/** Options for {@link startRedisServer}. */
export interface RedisServerOptions {
  /** The binary; defaults to `REDIS_SERVER_BIN` or `redis-server` on the PATH. */
  bin?: string | undefined;
  /** How long to wait for the server to answer. @defaultValue 10000 */
  startTimeoutMs?: number;
  /** The port; a free loopback port by default. */
  port?: number;
  /**
   * Extra arguments after the defaults (port, bind, no persistence), e.g.
   * `['--cluster-enabled', 'yes']`.
   */
  args?: readonly string[];
  /** A config file given before every other argument (Sentinel needs a writable one). */
  configFile?: string;
}

async function waitForPing(url: string, deadline: number, child: ChildProcess): Promise<void> {
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`redis-server exited with code ${child.exitCode} before answering`);
    if (await pingRedis(url, 200)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`redis-server did not answer PING at ${url} in time`);
}

/** Where the test run collects the pids of running servers (set by the root vitest config). */
const SERVER_LOG_ENV = 'BALLAST_SERVER_LOG_DIR';

/** Every `redis-server` this process started and has not seen exit. */
const live = new Set<ChildProcess>();
let reaping = false;

/**
 * Kills, when this process exits however it exits, every server it started and did not stop:
 * a test that times out never reaches its `afterAll`, and its cluster would outlive the run.
 */
function reapOnExit(proc: ChildProcess): void {
  live.add(proc);
  // A worker that vitest ends runs no exit handler: the run's reporter kills what is listed here.
  const dir = process.env[SERVER_LOG_ENV];
  const file = dir === undefined || proc.pid === undefined ? undefined : join(dir, String(proc.pid));
  if (file !== undefined) {
    try {
      writeFileSync(file, '');
    } catch {
      // the reporter's folder is gone: the exit handler below still covers a normal exit
    }
  }
  proc.once('exit', () => {
    live.delete(proc);
    if (file !== undefined) rmSync(file, { force: true });
  });
  if (reaping) return;
  reaping = true;
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

/**
 * Spawns a `redis-server` on a free loopback port with persistence off, for tests
 * that kill and restart Redis. Always `stop()` it in `afterAll`.
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const bin = options.bin ?? process.env.REDIS_SERVER_BIN ?? 'redis-server';
  const startTimeoutMs = options.startTimeoutMs ?? 10_000;
  const port = options.port ?? (await freePort());
  const extra = options.args ?? [];
  const config = options.configFile === undefined ? [] : [options.configFile];
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    const proc = spawn(
      bin,
      [
        ...config,
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        // A replica's full sync still writes an RDB file: keep it out of the working tree.
        '--dir',
        tmpdir(),
        ...extra,
      ],
      { stdio: 'ignore' },
    );
    child = proc;
    reapOnExit(proc);
    const failed = once(proc, 'error').then(([error]) => {
      throw new Error(`Could not start ${bin}: ${(error as Error).message}`);
    });
    await Promise.race([waitForPing(url, Date.now() + startTimeoutMs, proc), failed]);
  };

  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = once(proc, 'exit');
    proc.kill(signal);
    await exited;
  };

  await start();
  return {
    url,
    port,
    kill,
    restart: async () => {
      await kill();
      await start();
    },
    stop: () => kill('SIGKILL'),
  };
}
