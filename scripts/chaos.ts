// `pnpm chaos`: the fault campaign of issue 23 as one command, against the built packages
// (the script builds them first). Each scenario injects a fault, measures a figure and
// compares it with its target; the table is printed and written to the `## Fault campaign`
// section of docs/benchmarks.md (CHAOS_WRITE=0 to leave the file alone). Exits 1 when a
// target is missed. Not part of `pnpm test`: it runs child processes and real outages for
// about half a minute.
//
// Scenarios here: the Redis rate limiter during a stall, rotation with several writer
// processes, error-event noise of an open cache breaker, hostile values, and readiness
// during shutdown. Redis failover and bus scenarios live in scripts/chaos-redis.ts: when
// that file exists and exports `scenarios: ChaosScenario[]` (see scripts/chaos/lib.ts),
// they run after these, in the same table. CHAOS_ONLY=<text> runs the scenarios whose name
// contains the text.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import type * as CacheModule from '@ballast/cache';
import type * as ResilienceModule from '@ballast/resilience';
// The harness from source; every package under test is imported built (see scripts/chaos/tsconfig.json).
import { requireRedis, startFaultProxy } from '../packages/test-utils/src/index.js';
import { built, type ChaosRow, type ChaosScenario, count, root, table, writeSection } from './chaos/lib.js';

/** The part of an ioredis client this script uses (ioredis is a dependency of test-utils, not of the root). */
interface RedisClient {
  on(event: 'error', listener: (error: unknown) => void): unknown;
  scan(cursor: string, ...args: Array<string | number>): Promise<[string, string[]]>;
  del(...keys: string[]): Promise<number>;
  disconnect(): void;
  quit(): Promise<unknown>;
}
interface RedisOptions {
  host?: string;
  port?: number;
  maxRetriesPerRequest?: number;
}
const ioredis = createRequire(join(root, 'packages', 'test-utils', 'package.json'))('ioredis') as {
  Redis: new (options: RedisOptions) => RedisClient;
};

/** A client through a fault proxy that fails fast instead of queueing while Redis is away. */
function proxiedClient(port: number): RedisClient {
  const client = new ioredis.Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 0 });
  client.on('error', () => {}); // the scenario measures the library, not the client's noise
  return client;
}

async function deleteUnder(url: string, prefix: string): Promise<void> {
  const redis = new ioredis.Redis(redisOptions(url));
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  await redis.quit();
}

function redisOptions(url: string): { host: string; port: number } {
  const { hostname, port } = new URL(url);
  return { host: hostname, port: Number(port || 6379) };
}

const limiterStall: ChaosScenario = {
  name: 'limiter stall',
  needsRedis: true,
  async run({ redisUrl }) {
    const { redisRateLimiter } = await built<typeof ResilienceModule>('resilience');
    const { host, port } = redisOptions(redisUrl!);
    const proxy = await startFaultProxy({ target: { host, port } });
    const client = proxiedClient(proxy.port);
    const prefix = `chaos:${randomBytes(4).toString('hex')}:`;
    try {
      const max = 100;
      /** 300 callers arrive over 1.5 s of a frozen Redis; each waits the 1 s timeout. */
      const stall = async (onRedisError: 'local' | 'allow', key: string) => {
        const limiter = redisRateLimiter({
          client: client as never,
          limits: [{ max, per: '1m' }],
          prefix,
          onRedisError,
        });
        await limiter.take('warm-up');
        proxy.setMode('blackhole');
        const started = Date.now();
        const decisions = [];
        for (let i = 0; i < 300; i++) {
          decisions.push(limiter.take(key));
          await sleep(5);
        }
        const admitted = (await Promise.all(decisions)).filter((d) => d.allowed).length;
        const ms = Date.now() - started;
        proxy.setMode('pass');
        return { admitted, ms };
      };
      const before = await stall('allow', 'stall-open');
      const { admitted, ms } = await stall('local', 'stall-local');
      const bound = Math.floor(max * (1 + ms / 60_000));
      return [
        {
          scenario: `Redis limiter (max ${max}/min), Redis black-holed ${(ms / 1000).toFixed(1)} s, 300 callers`,
          figure: `${admitted} admitted (onRedisError 'allow', the old default: ${before.admitted})`,
          target: `≤ ${bound} = share·(1 + t/per), and > 0`,
          met: admitted > 0 && admitted <= bound,
        },
      ];
    } finally {
      client.disconnect();
      await proxy.close();
      await deleteUnder(redisUrl!, prefix);
    }
  },
};

function runNode(
  args: string[],
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const rotation: ChaosScenario = {
  name: 'rotation with several writers',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'ballast-chaos-rotation-'));
    try {
      const writers = 4;
      const each = 25_000;
      const path = join(dir, 'app.log');
      const results = await Promise.all(
        Array.from({ length: writers }, (_, i) =>
          runNode(
            [
              join(root, 'scripts', 'chaos', 'writer.mjs'),
              root,
              path,
              String(i * each),
              String(each),
              '64KB',
            ],
            120_000,
          ),
        ),
      );
      const seen = new Uint8Array(writers * each);
      let lines = 0;
      const files = readdirSync(dir);
      for (const file of files) {
        for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
          if (line === '') continue;
          const { n } = JSON.parse(line) as { n: number };
          seen[n] = (seen[n] ?? 0) + 1;
          lines++;
        }
      }
      const lost = seen.filter((times) => times === 0).length;
      const duplicated = seen.filter((times) => times > 1).length;
      const failed = results.filter((r) => r.code !== 0 || r.stderr !== '').length;
      return [
        {
          scenario: `${writers} processes × ${count(each)} lines into one file rotated at 64 KB`,
          figure: `${lost} lost, ${duplicated} duplicated, ${files.length} files, ${failed} writers reporting errors (${count(lines)} lines read)`,
          target: '0 lost, 0 duplicated, 0 errors',
          met: lost === 0 && duplicated === 0 && failed === 0,
        },
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

const breakerNoise: ChaosScenario = {
  name: 'breaker error noise',
  needsRedis: true,
  async run({ redisUrl }) {
    const { createCache, memoryTier, redisTier } = await built<typeof CacheModule>('cache');
    const { host, port } = redisOptions(redisUrl!);
    const proxy = await startFaultProxy({ target: { host, port } });
    const client = proxiedClient(proxy.port);
    const prefix = `chaos:${randomBytes(4).toString('hex')}:`;
    const cache = createCache({
      name: 'chaos',
      tiers: [memoryTier(), redisTier({ client: client as never, prefix })],
      ttl: '1m',
      protection: { timeout: '100ms', halfOpenAfter: '10s' },
    });
    const states: string[] = [];
    let errors = 0;
    let refusals = 0;
    cache.on('breaker', ({ state }) => states.push(state));
    cache.on('error', ({ error }) => {
      errors++;
      if ((error as { code?: string }).code === 'CIRCUIT_OPEN') refusals++;
    });
    try {
      await cache.set('warm', 1);
      proxy.setMode('refuse');
      // 200 reads/s of keys L1 does not hold, for 3 s.
      let reads = 0;
      const started = Date.now();
      while (Date.now() - started < 3_000) {
        const batch = [];
        for (let i = 0; i < 20; i++) batch.push(cache.get(`k${reads++}`));
        await Promise.all(batch);
        await sleep(100);
      }
      const seconds = (Date.now() - started) / 1000;
      const repeats = states.filter((state, i) => i > 0 && state === states[i - 1]).length;
      const spells = states.filter((state) => state === 'open').length;
      return [
        {
          scenario: `cache L2 refused, ${count(reads)} reads over ${seconds.toFixed(1)} s (~200/s, 20 at a time)`,
          figure: `${errors} error events in all (before: one per refused read, ~390/s), ${refusals} for refused calls; breaker events: ${states.join(' → ') || 'none'}`,
          target: '≤ 1 refused-call event per open spell; 1 breaker event per state change',
          met: spells > 0 && refusals <= spells && repeats === 0,
        },
      ];
    } finally {
      await cache.close();
      client.disconnect();
      await proxy.close();
      await deleteUnder(redisUrl!, prefix);
    }
  },
};

const HOSTILE_MS = 50;
const HOSTILE_BYTES = 64 * 1024;

const hostileValues: ChaosScenario = {
  name: 'hostile values',
  async run() {
    const script = join(root, 'scripts', 'chaos', 'hostile.mjs');
    const probe = await runNode([script, root, '?'], 10_000);
    const names = probe.stderr
      .replace(/^.*known: /s, '')
      .trim()
      .split(', ');
    const rows: ChaosRow[] = [];
    for (const name of names) {
      const result = await runNode(['--max-old-space-size=512', script, root, name], 10_000);
      const line = result.stdout.trim().split('\n').at(-1) ?? '';
      let figure: string;
      let met = false;
      if (result.code === 0 && line.startsWith('{')) {
        const { ms, bytes } = JSON.parse(line) as { ms: number; bytes: number };
        figure = `${ms.toFixed(1)} ms, ${count(bytes)} bytes out`;
        met = ms < HOSTILE_MS && bytes <= HOSTILE_BYTES;
      } else {
        figure = result.code === null ? 'killed after 10 s' : `crashed (exit ${result.code}, out of memory?)`;
      }
      rows.push({ scenario: name, figure, target: `< ${HOSTILE_MS} ms, ≤ 64 KiB out`, met });
    }
    return rows;
  },
};

const shutdownReadiness: ChaosScenario = {
  name: 'shutdown readiness',
  async run() {
    const { createService } = (await import(
      pathToFileURL(join(root, 'examples', 'http-service', 'src', 'service.ts')).href
    )) as typeof import('../examples/http-service/src/service.js');
    const service = await createService({ preStopDelay: '1s', logSinks: [{ name: 'discard', write() {} }] });
    let inRotation = true;
    let refused = 0;
    let failed = 0;
    let served = 0;
    let refusedBeforeNotReady = 0;
    let notReadyAt: number | undefined;
    // The load balancer: probes readiness every 100 ms and stops routing once it says 503.
    const prober = (async () => {
      while (inRotation) {
        try {
          const res = await fetch(`${service.url}/health/ready`);
          await res.arrayBuffer();
          if (res.status === 503) {
            notReadyAt = Date.now();
            inRotation = false;
          }
        } catch {
          inRotation = false;
        }
        await sleep(100);
      }
    })();
    const worker = async (): Promise<void> => {
      while (inRotation) {
        try {
          const res = await fetch(`${service.url}/products/1`);
          await res.arrayBuffer();
          served++;
        } catch (error) {
          const code = (error as { cause?: { code?: string } }).cause?.code;
          if (code === 'ECONNREFUSED') {
            refused++;
            if (notReadyAt === undefined) refusedBeforeNotReady++;
          } else failed++;
        }
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    await sleep(500);
    const closing = service.close();
    await Promise.all([prober, ...workers]);
    await closing;
    return [
      {
        scenario: `http-service shutdown under load (8 clients, probe every 100 ms, preStopDelay 1 s)`,
        figure: `${refused} refused, ${failed} failed, ${count(served)} served; readiness 503 ${notReadyAt === undefined ? 'never seen' : 'seen before connections closed'}`,
        target: '0 refused, 0 failed, 503 before close (was 75–99 refused)',
        met: refused === 0 && failed === 0 && refusedBeforeNotReady === 0 && notReadyAt !== undefined,
      },
    ];
  },
};

const scenarios: ChaosScenario[] = [limiterStall, rotation, breakerNoise, hostileValues, shutdownReadiness];

// The hook for Redis failover and bus scenarios (another file, run in the same table).
const extra = join(root, 'scripts', 'chaos-redis.ts');
if (existsSync(extra)) {
  const module = (await import(pathToFileURL(extra).href)) as { scenarios?: ChaosScenario[] };
  scenarios.push(...(module.scenarios ?? []));
}

const only = process.env.CHAOS_ONLY;
const redisUrl = await requireRedis();
const rows: ChaosRow[] = [];
for (const scenario of scenarios) {
  if (only !== undefined && !scenario.name.includes(only)) continue;
  if (scenario.needsRedis && redisUrl === undefined) {
    rows.push({ scenario: scenario.name, figure: 'skipped: no Redis answered', target: '—', met: false });
    continue;
  }
  process.stderr.write(`chaos: ${scenario.name}…\n`);
  try {
    rows.push(...(await scenario.run({ redisUrl })));
  } catch (error) {
    rows.push({
      scenario: scenario.name,
      figure: `the scenario failed: ${(error as Error).message}`,
      target: '—',
      met: false,
    });
  }
}

console.log(table(rows));
const missed = rows.filter((row) => !row.met).length;
console.log(missed === 0 ? '\nall targets met' : `\n${missed} target(s) missed`);
if (process.env.CHAOS_WRITE !== '0' && only === undefined) {
  writeSection(
    rows,
    `Run on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}: ${missed === 0 ? 'all targets met' : `${missed} target(s) missed`}.`,
  );
}
process.exit(missed === 0 ? 0 : 1);
