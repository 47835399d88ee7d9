import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderDoctor } from '@ballast/health';
import { fileSink } from '@ballast/logger';
import { parseExposition } from '../../../observability/src/promql.ts';
import { recordRun, replayAlerts } from '../../../observability/src/replay.ts';
import { checkAuditLog } from './audit.js';
import { type Progress, runScenario } from './scenario.js';
import { createService } from './service.js';
import { renderAlerts, renderProgress, renderSummary } from './summary.js';

// `pnpm demo`: the service on a free port with embedded defaults (Redis only if
// REDIS_URL is set), a ~22 s scripted scenario, the summary, the alerts of the
// observability mixin the run would have fired (its /metrics scraped every 500 ms, the
// rules replayed over the scrapes with time compressed 60×), a doctor report, and a clean
// shutdown. Log lines go to a file so the progress line stays readable: a temporary one,
// removed at the end, unless DEMO_LOG names a file to keep. Ctrl-C stops the demo early
// with the same clean shutdown and exit code 0. It runs as the CommonJS bundle
// dist/demo.cjs (scripts/build.ts), hence no top-level await.
const keptLog = process.env.DEMO_LOG || undefined;
const logDir = keptLog === undefined ? mkdtempSync(join(tmpdir(), 'http-service-demo-')) : undefined;
const logPath = keptLog ?? join(logDir as string, 'demo.log');
const auditPath = `${logPath}.audit`;
const adminToken = randomBytes(16).toString('hex');
const out = process.stdout;
/** Run time per rule time: each second of the demo stands for a minute of the alert rules. */
const ALERT_SCALE = 1 / 60;

/** Removes the temporary log, if that is where the lines went, and says where they are. */
function logNote(): string {
  if (logDir === undefined) return `Log lines: ${logPath}`;
  rmSync(logDir, { recursive: true, force: true });
  return 'Log lines went to a temporary file, now removed (DEMO_LOG=path keeps them).';
}

async function demo(): Promise<number> {
  const service = await createService({
    trustProxy: true,
    redisUrl: process.env.REDIS_URL || undefined,
    redisPrefix: `http-service-demo:${process.pid}:`,
    logSinks: [fileSink({ path: logPath })],
    consoleTraces: false,
    ttl: { products: '2s', product: '3s' },
    halfOpenAfter: '2s',
    admins: { oncall: adminToken },
    auditLogPath: auditPath,
  });
  out.write(
    `http-service listening on ${service.url} (upstream ${service.upstream.url}, ${
      process.env.REDIS_URL ? `Redis at ${new URL(process.env.REDIS_URL).host}` : 'memory only'
    })\nScenario: steady traffic → upstream outage → 429 storm → recovery\n\n`,
  );

  let exitCode = 0;
  let interrupted = false;
  const stop = new Promise<void>((resolve) =>
    process.once('SIGINT', () => {
      interrupted = true;
      resolve();
    }),
  );
  try {
    // On a terminal one line updates in place; in a log, one line per phase as it ends.
    let last: Progress | undefined;
    // Prometheus's part: scrape /metrics; a load balancer's: probe readiness.
    const recorder = recordRun(`${service.url}/metrics`, 500, parseExposition, 'http-service');
    const probe = setInterval(
      () =>
        void fetch(`${service.url}/health/ready`).then(
          (res) => res.arrayBuffer(),
          () => undefined,
        ),
      1000,
    );
    const scenario = runScenario(service, {
      onPhase: (phase) => recorder.mark(phase),
      adminToken,
      onProgress: (progress) => {
        if (out.isTTY) out.write(`\r\u001b[2K${renderProgress(progress)}`);
        else if (last !== undefined && progress.phase !== last.phase) out.write(`${renderProgress(last)}\n`);
        last = progress;
      },
    });
    // After Ctrl-C the scenario's requests fail as the service closes: that is expected.
    scenario.catch(() => undefined);
    const summary = await Promise.race([stop.then(() => undefined), scenario]);
    clearInterval(probe);
    const run = await recorder.stop();
    if (summary === undefined) {
      out.write('\n\nInterrupted: shutting down.\n');
      return 0;
    }
    if (!out.isTTY && last !== undefined) out.write(`${renderProgress(last)}\n`);
    // The doctor runs before the replay, whose second of computation would show as event-loop delay.
    const doctor = renderDoctor(await service.health.check());
    out.write(`${out.isTTY ? '\n' : ''}\n${renderSummary(summary)}\n\n`);
    out.write(`${renderAlerts(replayAlerts(run.scrapes, run.phases, ALERT_SCALE), ALERT_SCALE)}\n\n`);
    const metrics = await fetch(`${service.url}/metrics`).then((res) => res.text());
    const interesting =
      /^(ballast_cache_requests_total\{[^}]*"product"|ballast_resilience_(breaker_state|retries_total)\{)/;
    const sample = metrics
      .split('\n')
      .filter((line) => interesting.test(line))
      .map((line) => line.replace(/,?otel_scope_(name|version)="[^"]*"/g, ''));
    if (sample.length > 0)
      out.write(`From ${service.url}/metrics:\n  ${sample.slice(0, 8).join('\n  ')}\n\n`);
    out.write(`${doctor}\n\n`);
    out.write(`Audit log: ${(await checkAuditLog(auditPath)).text}\n\n`);
  } catch (error) {
    exitCode = 1;
    console.error('\nThe demo failed:', error);
  } finally {
    if (process.env.REDIS_URL) await service.catalog.cache.clear(); // rate-limit keys expire by themselves
    await service.close();
    out.write(`Shut down cleanly${interrupted ? ' after Ctrl-C' : ''}. ${logNote()}\n`);
  }
  return exitCode;
}

demo().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('The demo did not start:', error);
    process.exit(1);
  },
);
