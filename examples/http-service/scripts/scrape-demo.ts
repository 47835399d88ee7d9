import type { LogSink } from '@ballast/logger';
import { parseExposition, type Sample, type Scrape } from '../../../observability/src/promql.ts';
import {
  type FiredAlert,
  type PhaseSpan,
  recordRun,
  replayAlerts,
} from '../../../observability/src/replay.ts';
import { runScenario, type ScenarioSummary } from '../src/scenario.ts';
import { createService } from '../src/service.ts';

/** What one short demo run exported and which alerts it would have fired. */
export interface DemoScrape {
  /** The samples of the last scrape, after the scenario and a health check run. */
  samples: Sample[];
  scrapes: Scrape[];
  phases: PhaseSpan[];
  fired: FiredAlert[];
  summary: ScenarioSummary;
}

/** Run time per rule time of the short run: its 1.5 s phases stand for 5 minutes each. */
export const SHORT_RUN_SCALE = 1 / 200;

/**
 * Runs the demo scenario with short phases (about 7 s, the phases of the scenario test),
 * scraping the service's /metrics every 100 ms and probing /health/ready every 250 ms as a
 * load balancer would, then replays the mixin's alerts over the scrapes. Used by
 * `pnpm observability:check` and the example's observability test.
 */
export async function scrapeDemo(): Promise<DemoScrape> {
  const quiet: LogSink = { name: 'quiet', write: () => undefined };
  const service = await createService({
    trustProxy: true,
    logSinks: [quiet],
    ttl: { products: '300ms', product: '400ms' },
    halfOpenAfter: '400ms',
  });
  try {
    const recorder = recordRun(`${service.url}/metrics`, 100, parseExposition, 'http-service');
    const probe = setInterval(
      () =>
        void fetch(`${service.url}/health/ready`).then(
          (res) => res.arrayBuffer(),
          () => undefined,
        ),
      250,
    );
    const summary = await runScenario(service, {
      phases: { steady: 1_500, outage: 1_500, storm: 1_200, recovery: 2_000 },
      clients: 6,
      perClientRps: 4,
      burst: 80,
      onPhase: (phase) => recorder.mark(phase),
    }).finally(() => clearInterval(probe));
    await service.health.check();
    const { scrapes, phases } = await recorder.stop();
    const last = scrapes.at(-1);
    if (last === undefined) throw new Error(`No scrape of ${service.url}/metrics succeeded.`);
    return {
      samples: [...last.samples],
      scrapes,
      phases,
      fired: replayAlerts(scrapes, phases, SHORT_RUN_SCALE),
      summary,
    };
  } finally {
    await service.close();
  }
}
