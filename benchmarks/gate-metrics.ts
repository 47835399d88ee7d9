// The ratios the CI benchmark gate holds (`pnpm bench:gate`, scripts/bench-gate.ts): each a
// Ballast case against its peer doing the same job, measured in one process in short
// alternating slices, or an import against a peer's in fresh processes. Kept small and
// free of Redis and the network, so the run is short and the ratios are steady.
import { createCache, memoryTier } from '@ballast/cache';
import { serializeError } from '@ballast/errors';
import { createLogger } from '@ballast/logger';
import { createRedactor } from '@ballast/redact';
import fastRedact from 'fast-redact';
import { LRUCache } from 'lru-cache';
import pino from 'pino';
import { err as pinoErr } from 'pino-std-serializers';
import {
  ballastPipeline,
  cockatielPipeline,
  discardSink,
  immediateWork,
  logFields,
  output,
  pinoDiscard,
} from './fixtures.ts';

/** A Ballast function against a peer's, in one process: ratio = Ballast ops/s ÷ peer ops/s. */
export interface SpeedMetric {
  kind: 'speed';
  id: string;
  /** What is compared, for the output. */
  title: string;
  /** True when both functions return promises (each call is awaited). */
  async: boolean;
  ballast: () => unknown;
  peer: () => unknown;
  /** Runs once before the first slice (fill a cache). */
  setup?: () => Promise<void>;
}

/** An import against a peer's, in fresh processes: ratio = Ballast ms ÷ peer ms (lower is better). */
export interface ImportMetric {
  kind: 'import';
  id: string;
  title: string;
  ballast: string;
  /** A package name, or `'<empty module>'`: an empty ES module file (Node's floor). */
  peer: string;
}

export type GateMetric = SpeedMetric | ImportMetric;

export const EMPTY_MODULE = '<empty module>';

/** Characters the loggers wrote: read at the end so the work cannot be optimised away. */
export const charactersWritten = () => output.characters;

const fields = logFields;
const ballastLogger = createLogger({ sinks: [discardSink] });
const ballastPlainLogger = createLogger({ redact: false, sinks: [discardSink] });
const pinoLogger = pino({}, pinoDiscard);

const work = immediateWork;
const ballastChain = ballastPipeline();
const cockatielChain = cockatielPipeline();

const value = { id: 42, name: 'Ada Lovelace', roles: ['admin', 'author'], active: true };
const cache = createCache({ tiers: [memoryTier({ maxEntries: 1_000 })], ttl: '1h' });
const lru = new LRUCache<string, typeof value>({ max: 1_000 });
lru.set('hot', value);
const lruGet = async (key: string) => lru.get(key);
const factory = () => value;

const line = {
  level: 30,
  msg: 'request completed',
  req: {
    id: 'req-1',
    method: 'POST',
    url: '/api/v1/orders?expand=items',
    headers: {
      host: 'api.example.com',
      'user-agent': 'Mozilla/5.0 (X11; Linux x86_64)',
      authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.sig',
      cookie: 'sid=abc123; theme=dark',
    },
  },
  user: { id: 42, name: 'Ada Lovelace', email: 'ada@example.com', password: 'hunter2' },
  order: { id: 'ord_123', items: [{ sku: 'A-1', qty: 2, price: 9.99 }], note: 'leave at the door' },
  responseTime: 12.5,
};
const PATHS = ['req.headers.authorization', 'req.headers.cookie', 'user.password', 'user.email'];
const pathsOnly = createRedactor({ paths: PATHS, keys: false, patterns: false });
const defaults = createRedactor({ paths: PATHS });
const fr = fastRedact({ paths: PATHS });

const plainError = new Error('Cannot read properties of undefined');

/** Every ratio the gate holds, in the order it runs them. */
export const metrics: readonly GateMetric[] = [
  {
    kind: 'speed',
    id: 'logger-default-vs-pino',
    title: "logger info line, Ballast's default redaction vs pino with none",
    async: false,
    ballast: () => ballastLogger.info(fields, 'request completed'),
    peer: () => pinoLogger.info(fields, 'request completed'),
  },
  {
    kind: 'speed',
    id: 'logger-plain-vs-pino',
    title: 'logger info line, no redaction on either side',
    async: false,
    ballast: () => ballastPlainLogger.info(fields, 'request completed'),
    peer: () => pinoLogger.info(fields, 'request completed'),
  },
  {
    kind: 'speed',
    id: 'pipeline-vs-cockatiel',
    title: 'pipeline(retry, breaker, timeout) vs cockatiel wrap(…)',
    async: true,
    ballast: () => ballastChain.execute(work),
    peer: () => cockatielChain.execute(work),
  },
  {
    kind: 'speed',
    id: 'l1-hit-vs-lru-cache',
    title: 'cache getOrSet L1 hit vs an async function around lru-cache get',
    async: true,
    ballast: () => cache.getOrSet('hot', factory),
    peer: () => lruGet('hot'),
    setup: async () => {
      await cache.getOrSet('hot', factory);
    },
  },
  {
    kind: 'speed',
    id: 'redact-paths-vs-fast-redact',
    title: 'redact 4 paths + JSON.stringify vs fast-redact',
    async: false,
    ballast: () => JSON.stringify(pathsOnly(line)),
    peer: () => fr(line),
  },
  {
    kind: 'speed',
    id: 'redact-defaults-vs-fast-redact',
    title: 'redact defaults (keys + patterns + paths) + JSON.stringify vs fast-redact with paths',
    async: false,
    ballast: () => JSON.stringify(defaults(line)),
    peer: () => fr(line),
  },
  {
    kind: 'speed',
    id: 'serialize-error-vs-pino-err',
    title: 'serializeError of a plain Error (default redaction) vs pino-std-serializers err',
    async: false,
    ballast: () => serializeError(plainError),
    peer: () => pinoErr(plainError),
  },
  {
    kind: 'import',
    id: 'import-logger-vs-pino',
    title: 'import @ballast/logger vs pino',
    ballast: '@ballast/logger',
    peer: 'pino',
  },
  {
    kind: 'import',
    id: 'import-resilience-vs-cockatiel',
    title: 'import @ballast/resilience vs cockatiel',
    ballast: '@ballast/resilience',
    peer: 'cockatiel',
  },
  {
    kind: 'import',
    id: 'import-cache-vs-bentocache',
    title: 'import @ballast/cache vs bentocache',
    ballast: '@ballast/cache',
    peer: 'bentocache',
  },
  {
    kind: 'import',
    id: 'import-core-vs-empty-module',
    title: 'import @ballast/core vs an empty module file (the budget of core alone)',
    ballast: '@ballast/core',
    peer: EMPTY_MODULE,
  },
];

/** Calls `fn` `times` times per operation: the deliberate slowdown of `--degrade`. */
export function degraded(fn: () => unknown, times: number, async: boolean): () => unknown {
  if (times <= 1) return fn;
  const whole = Math.floor(times);
  return async
    ? async () => {
        for (let i = 1; i < whole; i++) await fn();
        return fn();
      }
    : () => {
        for (let i = 1; i < whole; i++) fn();
        return fn();
      };
}

/** CPU time (user + system) this process has used, in milliseconds. */
const cpuNow = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/**
 * Operations per CPU second of `fn` over about `ms` milliseconds of this process's CPU
 * time: time spent waiting for a core on a busy machine does not count, so other work on
 * the machine moves the figure far less than wall time would. Calls run in batches that
 * double until one takes a millisecond, so reading the clock costs nothing measurable.
 */
export async function rate(fn: () => unknown, ms: number, async: boolean): Promise<number> {
  let ops = 0;
  let batch = 1;
  const start = cpuNow();
  let now = start;
  while (now - start < ms) {
    const before = now;
    if (async) for (let i = 0; i < batch; i++) await fn();
    else for (let i = 0; i < batch; i++) fn();
    ops += batch;
    now = cpuNow();
    if (now - before < 1) batch *= 2;
  }
  return ops / ((now - start) / 1000);
}

/**
 * Every round's ratio (Ballast ops/s ÷ peer ops/s) of a speed metric: one slice of each
 * per round, the order alternating round by round, after one warm-up slice of each.
 */
export async function measureSpeed(
  metric: SpeedMetric,
  rounds: number,
  ms: number,
  degrade: number,
): Promise<number[]> {
  await metric.setup?.();
  const ballast = degraded(metric.ballast, degrade, metric.async);
  await rate(ballast, ms, metric.async);
  await rate(metric.peer, ms, metric.async);
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let ours: number;
    let theirs: number;
    if (round % 2 === 0) {
      ours = await rate(ballast, ms, metric.async);
      theirs = await rate(metric.peer, ms, metric.async);
    } else {
      theirs = await rate(metric.peer, ms, metric.async);
      ours = await rate(ballast, ms, metric.async);
    }
    ratios.push(ours / theirs);
  }
  return ratios;
}
