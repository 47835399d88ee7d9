import { setTimeout as sleep } from 'node:timers/promises';
import { runScenario } from '../src/scenario.js';
import { createService } from '../src/service.js';

// The process `measure-memory.ts` measures, bundled like dist/main.cjs (hence no
// top-level await): the demo service with the demo's settings (logs discarded, so no
// disk I/O is counted), RSS once idle, then the demo scenario while RSS is sampled every
// 50 ms. Reports to the parent as one JSON line on stdout (no IPC channel: it costs RSS).
const rss = (): number => process.memoryUsage.rss();
const gc = (globalThis as { gc?: () => void }).gc;

/**
 * RSS 3 s after start; then, after a forced GC, the heap still in use. (RSS is read
 * before the GC: a deployment forces none, and a full GC raises RSS a little.)
 */
async function settle(): Promise<{ idle: number; heapUsed: number }> {
  await sleep(3_000);
  const idle = rss();
  gc?.();
  await sleep(100);
  return { idle, heapUsed: process.memoryUsage().heapUsed };
}

async function measure(): Promise<void> {
  if (process.env.LOAD_ONLY === '1') {
    // Every module is loaded (static imports) but nothing is started: the cost of the code.
    const { idle, heapUsed } = await settle();
    report({ idle, peak: idle, heapUsed, requests: 0, durationMs: 0 });
    return;
  }
  const service = await createService({
    trustProxy: true,
    logSinks: [{ name: 'discard', write() {} }],
    ttl: { products: '2s', product: '3s' },
    halfOpenAfter: '2s',
  });
  const { idle, heapUsed } = await settle();
  let peak = idle;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rss());
  }, 50);
  const summary = await runScenario(service);
  clearInterval(sampler);
  peak = Math.max(peak, rss());
  await service.close();
  report({
    idle,
    peak,
    heapUsed,
    requests: summary.requests,
    durationMs: summary.durationMs,
    latencyMs: summary.latencyMs,
  });
}

function report(reading: object): void {
  process.stdout.write(`${JSON.stringify(reading)}\n`);
}

measure().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
