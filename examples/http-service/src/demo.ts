import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderDoctor } from '@ballast/health';
import { fileSink } from '@ballast/logger';
import { type Progress, runScenario } from './scenario.js';
import { createService } from './service.js';
import { renderProgress, renderSummary } from './summary.js';

// `pnpm demo`: the service on a free port with embedded defaults (Redis only if
// REDIS_URL is set), a ~22 s scripted scenario, the summary, a doctor report, and a
// clean shutdown. Log lines go to a file so the progress line stays readable. It runs as
// the CommonJS bundle dist/demo.cjs (scripts/build.ts), hence no top-level await.
const logPath = join(tmpdir(), `http-service-demo-${process.pid}.log`);
const out = process.stdout;

async function demo(): Promise<number> {
  const service = await createService({
    trustProxy: true,
    redisUrl: process.env.REDIS_URL || undefined,
    redisPrefix: `http-service-demo:${process.pid}:`,
    logSinks: [fileSink({ path: logPath })],
    consoleTraces: false,
    ttl: { products: '2s', product: '3s' },
    halfOpenAfter: '2s',
  });
  out.write(
    `http-service listening on ${service.url} (upstream ${service.upstream.url}, ${
      process.env.REDIS_URL ? `Redis at ${new URL(process.env.REDIS_URL).host}` : 'memory only'
    })\nScenario: steady traffic → upstream outage → 429 storm → recovery\n\n`,
  );

  let exitCode = 0;
  try {
    // On a terminal one line updates in place; in a log, one line per phase as it ends.
    let last: Progress | undefined;
    const summary = await runScenario(service, {
      onProgress: (progress) => {
        if (out.isTTY) out.write(`\r\u001b[2K${renderProgress(progress)}`);
        else if (last !== undefined && progress.phase !== last.phase) out.write(`${renderProgress(last)}\n`);
        last = progress;
      },
    });
    if (!out.isTTY && last !== undefined) out.write(`${renderProgress(last)}\n`);
    out.write(`${out.isTTY ? '\n' : ''}\n${renderSummary(summary)}\n\n`);
    const metrics = await fetch(`${service.url}/metrics`).then((res) => res.text());
    const interesting =
      /^(ballast_cache_requests_total\{[^}]*"product"|ballast_resilience_(breaker_state|retries_total)\{)/;
    const sample = metrics
      .split('\n')
      .filter((line) => interesting.test(line))
      .map((line) => line.replace(/,?otel_scope_(name|version)="[^"]*"/g, ''));
    if (sample.length > 0)
      out.write(`From ${service.url}/metrics:\n  ${sample.slice(0, 8).join('\n  ')}\n\n`);
    out.write(`${renderDoctor(await service.health.check())}\n\n`);
  } catch (error) {
    exitCode = 1;
    console.error('\nThe demo failed:', error);
  } finally {
    if (process.env.REDIS_URL) await service.catalog.cache.clear(); // rate-limit keys expire by themselves
    await service.close();
  }
  out.write(`Shut down cleanly. Log lines: ${logPath}\n`);
  return exitCode;
}

demo().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('The demo did not start:', error);
    process.exit(1);
  },
);
