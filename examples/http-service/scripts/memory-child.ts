import { setTimeout as sleep } from 'node:timers/promises';
import { runScenario } from '../src/scenario.js';
import { createService } from '../src/service.js';

// The process `measure-memory.ts` measures: the demo service with the demo's settings
// (logs discarded, so no disk I/O is counted), RSS once idle, then the demo scenario
// while RSS is sampled every 50 ms. Reports to the parent over IPC.
const rss = (): number => process.memoryUsage.rss();
if (process.env.LOAD_ONLY === '1') {
  // Every module is loaded (static imports) but nothing is started: the cost of the code.
  await sleep(3_000);
  (globalThis as { gc?: () => void }).gc?.();
  await sleep(100);
  const { rss: idle, heapUsed } = process.memoryUsage();
  process.send?.({ idle, peak: idle, heapUsed, requests: 0, durationMs: 0 });
  process.disconnect?.();
  process.exit(0);
}
const service = await createService({
  trustProxy: true,
  logSinks: [{ name: 'discard', write() {} }],
  ttl: { products: '2s', product: '3s' },
  halfOpenAfter: '2s',
});
await sleep(3_000);
(globalThis as { gc?: () => void }).gc?.();
await sleep(100);
const idle = rss();
const heapUsed = process.memoryUsage().heapUsed;
let peak = idle;
const sampler = setInterval(() => {
  peak = Math.max(peak, rss());
}, 50);
const summary = await runScenario(service);
clearInterval(sampler);
peak = Math.max(peak, rss());
await service.close();
process.send?.({ idle, peak, heapUsed, requests: summary.requests, durationMs: summary.durationMs });
process.disconnect?.();
