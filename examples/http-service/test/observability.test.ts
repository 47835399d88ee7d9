import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkAgainstScrape } from '../../../observability/src/check.ts';
import { type DemoScrape, SHORT_RUN_SCALE, scrapeDemo } from '../scripts/scrape-demo.ts';
import { renderAlerts } from '../src/summary.js';

// One short run of the demo scenario (about 7 s) with /metrics scraped every 100 ms: the
// series the mixin reads must all be exported, and the alerts replayed over the run must
// be those of its outage and 429 storm.
let run: DemoScrape;
beforeAll(async () => {
  run = await scrapeDemo();
}, 60_000);

const root = new URL('../../../', import.meta.url).pathname;

describe('the observability mixin against the demo', () => {
  it('reads only series the demo exports (outside the documented NOT_IN_DEMO list)', () => {
    const result = checkAgainstScrape(run.samples);
    expect(result.missing).toEqual([]);
    expect(result.checked).toBeGreaterThan(20);
    // Probed like a load balancer would, the health checks ran and are exported.
    expect(run.samples.some((s) => s.metric === 'ballast_health_check_duration_count')).toBe(true);
  });

  it('would have fired the breaker and stale-serving alerts in the outage, the 429 alert in the storm', () => {
    const phases = run.phases.map((phase) => phase.name);
    expect(phases).toEqual(['steady', 'outage', 'storm', 'recovery']);
    const after = (name: string, phase: string) => {
      const alert = run.fired.find((f) => f.alert === name);
      expect(alert, `${name} did not fire: ${JSON.stringify(run.fired.map((f) => f.alert))}`).toBeDefined();
      expect(phases.indexOf(alert?.phase ?? ''), name).toBeGreaterThanOrEqual(phases.indexOf(phase));
      return alert;
    };
    after('BallastCircuitBreakerOpen', 'outage');
    after('BallastCacheServingStale', 'outage');
    expect(after('BallastRateLimitRejectionSpike', 'storm')?.summary).toMatch(
      /refuses .* requests\/s with 429/,
    );
    // No failure-mode alert before the outage (a latency SLO may burn in any phase on a
    // loaded machine: the service is then really slow).
    const early = run.fired.filter((f) => f.phase === 'steady' && !f.alert.startsWith('BallastHttpLatency'));
    expect(early.map((f) => f.alert)).toEqual([]);
    for (const alert of run.fired) expect(existsSync(`${root}${alert.runbook}`), alert.runbook).toBe(true);
  });

  it('prints each alert with its phase, summary and runbook', () => {
    const text = renderAlerts(run.fired, SHORT_RUN_SCALE);
    expect(text).toMatch(/time compressed 200×: a 5m window is the last 1\.5 s/);
    for (const alert of run.fired) {
      expect(text).toContain(alert.alert);
      expect(text).toContain(`runbook: ${alert.runbook}`);
    }
    expect(renderAlerts([], 1 / 60)).toMatch(/\n {2}none$/);
  });
});
