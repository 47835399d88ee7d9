// Soak test: the cache, the logger and a resilience pipeline driven together, as a
// service would, for a bounded time; the heap after a full GC is sampled at intervals and
// must stay flat once warmed up. Run it with `pnpm soak` (node --expose-gc, via tsx, from
// source). Environment:
//   SOAK_SECONDS        how long to run (default 120)
//   SOAK_MAX_GROWTH_MB  allowed growth of the heap after GC from the end of warm-up to the
//                       end of the run (default 4 MB)
//   SOAK_WRITE=0        do not write the figures into docs/benchmarks.md
//
// Workload, per operation: a logger child with request bindings logs the request (info, to
// a sink that discards the line after it is formatted), then `cache.getOrSet` on one of
// 50 000 keys, 80 % of requests on 2 000 hot ones (values of ~300 bytes, 4 MB L1 budget, so
// the tail keeps evicting; TTL
// 5 s, grace 30 s, tags) whose factory goes through pipeline(retry, circuitBreaker,
// timeout) around a call that fails 3 % of the time; every 50th operation deletes a tag.
// Failures, open circuits and timeouts are logged at warn with the error.
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { createCache, memoryTier } from '@ballast/cache';
import { UnavailableError } from '@ballast/errors';
import { createLogger, type LogSink } from '@ballast/logger';
import {
  circuitBreaker,
  consecutiveFailures,
  constantBackoff,
  pipeline,
  retry,
  timeout,
} from '@ballast/resilience';

const seconds = Number(process.env.SOAK_SECONDS ?? 120);
const maxGrowthMb = Number(process.env.SOAK_MAX_GROWTH_MB ?? 4);
const write = process.env.SOAK_WRITE !== '0';
const samples = 24;
const warmupShare = 0.25;
const hotKeys = 2_000;
const keys = 50_000;
const concurrency = 64;

const gc = (globalThis as { gc?: () => void }).gc;
if (typeof gc !== 'function') {
  console.error('soak: run with node --expose-gc (use `pnpm soak`).');
  process.exit(2);
}
if (!(seconds > 0) || !(maxGrowthMb > 0)) {
  console.error('soak: SOAK_SECONDS and SOAK_MAX_GROWTH_MB must be positive numbers.');
  process.exit(2);
}

let linesFormatted = 0;
let bytesFormatted = 0;
const discard: LogSink = {
  name: 'discard',
  write(line) {
    linesFormatted += 1;
    bytesFormatted += line.length;
  },
};
const logger = createLogger({ name: 'soak', level: 'info', sinks: [discard] });
const cache = createCache({
  name: 'soak',
  tiers: [memoryTier({ maxBytes: '4MB' })],
  ttl: '5s',
  grace: '30s',
  jitter: 0.1,
});
const policy = pipeline(
  retry({ maxAttempts: 3, backoff: constantBackoff(1) }),
  circuitBreaker({ name: 'soak-backend', strategy: consecutiveFailures(5), halfOpenAfter: '50ms' }),
  timeout('250ms'),
);

let calls = 0;
async function backend(key: string): Promise<{ key: string; body: string; at: number }> {
  calls += 1;
  await Promise.resolve();
  if (Math.random() < 0.03) {
    throw new UnavailableError('backend unavailable', { details: { key } });
  }
  return { key, body: 'x'.repeat(250 + (calls % 50)), at: Date.now() };
}

let ops = 0;
let failures = 0;
async function operation(worker: number): Promise<void> {
  // 80 % of requests go to 2 000 hot keys, the rest to a long tail that keeps evicting.
  const id =
    Math.random() < 0.8
      ? Math.floor(Math.random() * hotKeys)
      : hotKeys + Math.floor(Math.random() * (keys - hotKeys));
  const key = `item:${id}`;
  const log = logger.child({ requestId: `${worker}-${ops}`, route: '/items/:id' });
  log.info({ id }, 'request');
  try {
    await cache.getOrSet(key, () => policy.execute(() => backend(key)), {
      tags: [`group:${id % 100}`],
    });
  } catch (error) {
    failures += 1;
    log.warn({ err: error, id }, 'request failed');
  }
  if (ops % 50 === 0) await cache.deleteByTag(`group:${Math.floor(ops / 50) % 100}`);
  ops += 1;
}

interface Sample {
  readonly t: number;
  readonly heapMb: number;
  readonly rssMb: number;
  readonly ops: number;
}

function heapAfterGc(): { heapMb: number; rssMb: number } {
  gc?.();
  gc?.();
  const usage = process.memoryUsage();
  return { heapMb: usage.heapUsed / 2 ** 20, rssMb: usage.rss / 2 ** 20 };
}

const started = performance.now();
const deadline = started + seconds * 1000;
const interval = (seconds * 1000) / samples;
const taken: Sample[] = [];
let nextSample = started + interval;

async function worker(index: number): Promise<void> {
  while (performance.now() < deadline) {
    for (let i = 0; i < 20; i += 1) await operation(index);
    // Let timers (TTL refresh, breaker half-open, timeouts) and I/O run between bursts.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function sampler(): Promise<void> {
  while (performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, nextSample - performance.now())));
    nextSample += interval;
    const t = (performance.now() - started) / 1000;
    const { heapMb, rssMb } = heapAfterGc();
    taken.push({ t, heapMb, rssMb, ops });
    console.log(
      `soak: ${t.toFixed(1).padStart(6)} s  heap after GC ${heapMb.toFixed(2)} MB  rss ${rssMb.toFixed(1)} MB  ${ops} ops`,
    );
  }
}

console.log(
  `soak: ${seconds} s, heap sampled after GC every ${(interval / 1000).toFixed(1)} s, bound +${maxGrowthMb} MB after warm-up`,
);
await Promise.all([sampler(), ...Array.from({ length: concurrency }, (_, index) => worker(index))]);
await cache.close();
await logger.close();

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
const warm = taken.filter((sample) => sample.t >= seconds * warmupShare);
if (warm.length < 4) {
  console.error('soak: too few samples after warm-up to judge; run longer.');
  process.exit(2);
}
const baseline = median(warm.slice(0, 3).map((sample) => sample.heapMb));
const final = median(warm.slice(-3).map((sample) => sample.heapMb));
const growth = final - baseline;
const peak = Math.max(...warm.map((sample) => sample.heapMb));
const flat = growth <= maxGrowthMb;
const totalOps = taken.at(-1)?.ops ?? ops;
const stats = cache.stats();
const verdict = `${flat ? 'flat' : 'GROWING'}: heap after GC ${baseline.toFixed(2)} MB after warm-up → ${final.toFixed(2)} MB at the end (${growth >= 0 ? '+' : ''}${growth.toFixed(2)} MB; bound +${maxGrowthMb} MB), peak ${peak.toFixed(2)} MB`;
console.log(`\nsoak: ${verdict}`);
console.log(
  `soak: ${ops} operations (${Math.round(ops / seconds)}/s), ${calls} backend calls, ${failures} failed requests, ${linesFormatted} log lines (${(bytesFormatted / 2 ** 20).toFixed(1)} MB)`,
);

if (write) {
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}/${process.arch}, ${new Date().toISOString().slice(0, 10)}`;
  const rows = taken
    .map(
      (sample) =>
        `| ${sample.t.toFixed(0)} | ${sample.heapMb.toFixed(2)} | ${sample.rssMb.toFixed(1)} | ${sample.ops.toLocaleString('en-US')} | ${sample.t < seconds * warmupShare ? 'warm-up' : ''} |`,
    )
    .join('\n');
  const section = `<!-- bench:soak:start -->
### Soak: cache + logger + resilience pipeline together

_${machine}; ${seconds} s (\`pnpm soak\`; \`SOAK_SECONDS\` to change). Other work shared the machine, so throughput is indicative; the heap figures are what is judged._

${concurrency} concurrent workers; each operation logs a request line through a child logger (formatted, then discarded), then \`cache.getOrSet\` over ${keys.toLocaleString('en-US')} keys, 80 % of requests on ${hotKeys.toLocaleString('en-US')} hot ones (~300-byte values, 4 MB L1, TTL 5 s, grace 30 s, tags) whose factory runs \`pipeline(retry, circuitBreaker, timeout)\` around a backend that fails 3 % of the time; every 50th operation invalidates a tag. The heap is measured after two full GCs at each sample; the first ${Math.round(warmupShare * 100)} % of the run is warm-up (the L1 fills to its budget).

**Verdict: ${verdict}.** ${totalOps.toLocaleString('en-US')} operations (${Math.round(totalOps / seconds).toLocaleString('en-US')}/s), ${calls.toLocaleString('en-US')} backend calls, ${failures.toLocaleString('en-US')} failed requests, ${linesFormatted.toLocaleString('en-US')} log lines; cache hit ratio ${(stats.hitRatio * 100).toFixed(1)} %.

| t (s) | heap after GC (MB) | RSS (MB) | operations | |
|---:|---:|---:|---:|---|
${rows}
<!-- bench:soak:end -->`;
  const docPath = new URL('../docs/benchmarks.md', import.meta.url);
  const doc = readFileSync(docPath, 'utf8');
  const pattern = /<!-- bench:soak:start -->[\s\S]*?<!-- bench:soak:end -->/;
  writeFileSync(
    docPath,
    pattern.test(doc) ? doc.replace(pattern, section) : `${doc.trimEnd()}\n\n${section}\n`,
  );
  console.log('soak: figures written to docs/benchmarks.md');
}

if (!flat) {
  console.error(
    `soak: the heap grew by ${growth.toFixed(2)} MB after warm-up, beyond the bound of ${maxGrowthMb} MB.`,
  );
  process.exit(1);
}
