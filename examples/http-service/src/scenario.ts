import { setTimeout as sleep } from 'node:timers/promises';
import { createLoadClient, type Outcome, quantile, type VirtualClient } from './load.js';
import type { Service } from './service.js';
import type { UpstreamStats } from './upstream.js';

/** The scripted phases, in order. */
export const PHASES = ['steady', 'outage', 'storm', 'recovery'] as const;
export type Phase = (typeof PHASES)[number];

/** Options of {@link runScenario}. */
export interface ScenarioOptions {
  /** Length of each phase in ms. @defaultValue steady 5 s, outage 5 s, storm 4 s, recovery 5 s */
  phases?: Partial<Record<Phase, number>>;
  /** Well-behaved clients, each sending `perClientRps`. @defaultValue `12` */
  clients?: number;
  /** @defaultValue `2` */
  perClientRps?: number;
  /** Requests the greedy client fires at the start of the storm. @defaultValue `90` */
  burst?: number;
  /** Products the well-behaved clients read (ids 1..n). @defaultValue `12` */
  hotProducts?: number;
  /** API keys given to the clients (planted secrets: they must never reach a log line). */
  apiKeys?: readonly string[];
  /**
   * An admin token of the service (`admins`): the on-call then silences the open breaker's
   * reports once the outage is known, and after recovery lifts the silence and purges a
   * product whose price was corrected meanwhile; each action lands in the audit log.
   */
  adminToken?: string;
  /** Called about every 200 ms with the running totals. */
  onProgress?: (progress: Progress) => void;
  /** Called as each phase starts, after the warm-up (e.g. to mark it on a metrics timeline). */
  onPhase?: (phase: Phase) => void;
}

/** The running totals {@link ScenarioOptions.onProgress} receives. */
export interface Progress {
  phase: Phase;
  elapsedMs: number;
  totalMs: number;
  requests: number;
  errors: number;
  rateLimited: number;
  stale: number;
  breaker: string;
}

/** A 429 answered by the service's own rate limiter, kept for inspection. */
export interface RateLimitedSample {
  status: number;
  contentType: string | undefined;
  headers: Record<string, string | undefined>;
  body: unknown;
}

/** What {@link runScenario} measured. */
export interface ScenarioSummary {
  durationMs: number;
  requests: number;
  /** Responses the clients saw as failures: 5xx or no response at all (429s are counted apart). */
  clientVisibleErrors: number;
  errorsByPhase: Record<Phase, number>;
  /** Failures during the outage on keys the service had served before it: the stale-if-error promise. */
  outageErrorsOnCachedKeys: number;
  /** Requests during the outage for keys never fetched before (these may fail: nothing to serve). */
  outageColdRequests: number;
  cacheHitRatio: number;
  staleServed: number;
  /** Breaker state changes, e.g. `closed→open`. */
  breakerTransitions: string[];
  breakerOpened: boolean;
  /** Whether the breaker ended closed after having opened. */
  breakerRecovered: boolean;
  latencyMs: { p50: number; p99: number };
  rateLimited: number;
  rateLimitedSample: RateLimitedSample | undefined;
  upstream: UpstreamStats;
}

const DEFAULT_PHASES: Record<Phase, number> = { steady: 5_000, outage: 5_000, storm: 4_000, recovery: 5_000 };

function isFailure(outcome: Outcome): boolean {
  return outcome.status === 0 || outcome.status >= 500;
}

/**
 * Drives a running service through a bounded scripted scenario against its in-process
 * upstream: steady traffic, a full upstream outage (plus a few requests for keys
 * never cached), a 429 storm (the upstream throttles while one greedy client bursts
 * past its own rate limit), and recovery. Resolves the summary once every request
 * has been answered. The service must trust `X-Forwarded-For` (`trustProxy`), which
 * the clients use to appear as distinct addresses.
 */
export async function runScenario(service: Service, options: ScenarioOptions = {}): Promise<ScenarioSummary> {
  const phases = { ...DEFAULT_PHASES, ...options.phases };
  const totalMs = PHASES.reduce((sum, phase) => sum + phases[phase], 0);
  const keys = options.apiKeys ?? ['sk_live_alpha_7Hq2', 'sk_live_bravo_9Xw4', 'sk_live_charlie_3Lm8'];
  const vias: VirtualClient['via'][] = ['header', 'bearer', 'query'];
  const clients: VirtualClient[] = Array.from({ length: options.clients ?? 12 }, (_, i) => ({
    ip: `10.0.0.${i + 1}`,
    apiKey: `${keys[i % keys.length]}-${i}`,
    via: vias[i % vias.length] as VirtualClient['via'],
  }));
  const greedy: VirtualClient = { ip: '10.0.1.1', apiKey: `${keys[0]}-greedy`, via: 'header' };
  const hot = options.hotProducts ?? 12;
  const tickMs = 1000 / ((options.perClientRps ?? 2) * clients.length);
  const load = createLoadClient(service.url);
  const outcomes: Array<Outcome & { phase: Phase; cached: boolean }> = [];
  const served = new Set<string>();
  const pending = new Set<Promise<void>>();
  let phase: Phase = 'steady';
  let rateLimitedSample: RateLimitedSample | undefined;
  let cold = 50;

  // The on-call's actions through the admin API; a failure is the scenario's failure.
  let silence: string | undefined;
  const admin = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${service.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${options.adminToken}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
    return res.status === 204 ? undefined : res.json();
  };
  const adminActions: Array<Promise<unknown>> = [];
  // Awaited at the end; marked handled now, so a failure never crashes the process meanwhile.
  const track = (action: Promise<unknown>): void => {
    action.catch(() => undefined);
    adminActions.push(action);
  };

  const fire = (client: VirtualClient, path: string): Promise<void> => {
    const at: Phase = phase;
    const cached = served.has(path);
    const done = load.send(client, path).then((outcome) => {
      outcomes.push({ ...outcome, phase: at, cached });
      if (outcome.status === 200) served.add(path);
      if (outcome.status === 429 && rateLimitedSample === undefined) {
        rateLimitedSample = {
          status: outcome.status,
          contentType: outcome.headers['content-type'] as string | undefined,
          headers: Object.fromEntries(
            ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'retry-after', 'x-request-id'].map(
              (name) => [name, outcome.headers[name] as string | undefined],
            ),
          ),
          body: JSON.parse(outcome.body) as unknown,
        };
      }
    });
    pending.add(done);
    void done.finally(() => pending.delete(done));
    return done;
  };

  const started = performance.now();
  const progress = () => {
    const stats = service.catalog.cache.stats();
    options.onProgress?.({
      phase,
      elapsedMs: performance.now() - started,
      totalMs,
      requests: outcomes.length,
      errors: outcomes.filter(isFailure).length,
      rateLimited: outcomes.filter((o) => o.status === 429).length,
      stale: stats.stale,
      breaker: service.catalog.breaker.state,
    });
  };
  const ticker = setInterval(progress, 200);

  try {
    // Warm the hot keys once, as real traffic would have by now.
    await Promise.all(
      ['/products', ...Array.from({ length: hot }, (_, i) => `/products/${i + 1}`)].map((path, i) =>
        fire(clients[i % clients.length] as VirtualClient, path),
      ),
    );
    let tick = 0;
    for (const current of PHASES) {
      phase = current;
      options.onPhase?.(current);
      if (current === 'outage') {
        service.upstream.set({ mode: 'outage' });
        if (options.adminToken !== undefined) {
          track(
            admin('POST', '/admin/silences', {
              match: 'CIRCUIT_OPEN',
              for: '15m',
              reason: 'INC-42: catalogue upstream down; the open breaker is expected until it recovers',
            }).then((created) => {
              silence = (created as { id: string }).id;
            }),
          );
        }
      }
      if (current === 'storm') {
        service.upstream.set({ mode: 'throttle' });
        for (let i = 0; i < (options.burst ?? 90); i++) void fire(greedy, `/products/${(i % hot) + 1}`);
      }
      if (current === 'recovery') {
        service.upstream.reset();
        if (options.adminToken !== undefined) {
          track(
            Promise.all(adminActions.splice(0)).then(async () => {
              if (silence !== undefined) await admin('DELETE', `/admin/silences/${silence}`);
              await admin('DELETE', '/admin/cache/products/3'); // its price was corrected upstream
            }),
          );
        }
      }
      const end = performance.now() + phases[current];
      while (performance.now() < end) {
        const client = clients[tick % clients.length] as VirtualClient;
        tick++;
        const path = tick % 5 === 0 ? '/products' : `/products/${(tick % hot) + 1}`;
        void fire(client, path);
        // During the outage, one request a second for a product nobody has read yet.
        if (current === 'outage' && tick % Math.max(1, Math.round(1000 / tickMs)) === 0) {
          void fire(client, `/products/${cold--}`);
        }
        await sleep(tickMs);
      }
    }
    while (pending.size > 0) await Promise.all([...pending]);
    await Promise.all(adminActions);
  } finally {
    clearInterval(ticker);
    load.close();
  }
  progress();

  const stats = service.catalog.cache.stats();
  const transitions = service.breakerTransitions.map(({ from, to }) => `${from}→${to}`);
  const errorsByPhase = Object.fromEntries(
    PHASES.map((p) => [p, outcomes.filter((o) => o.phase === p && isFailure(o)).length]),
  ) as Record<Phase, number>;
  const outage = outcomes.filter((o) => o.phase === 'outage');
  const opened = service.breakerTransitions.some(({ to }) => to === 'open');
  return {
    durationMs: Math.round(performance.now() - started),
    requests: outcomes.length,
    clientVisibleErrors: outcomes.filter(isFailure).length,
    errorsByPhase,
    outageErrorsOnCachedKeys: outage.filter((o) => o.cached && isFailure(o)).length,
    outageColdRequests: outage.filter((o) => !o.cached).length,
    cacheHitRatio: stats.hitRatio,
    staleServed: stats.stale,
    breakerTransitions: transitions,
    breakerOpened: opened,
    breakerRecovered: opened && service.catalog.breaker.state === 'closed',
    latencyMs: {
      p50: quantile(
        outcomes.map((o) => o.latencyMs),
        0.5,
      ),
      p99: quantile(
        outcomes.map((o) => o.latencyMs),
        0.99,
      ),
    },
    rateLimited: outcomes.filter((o) => o.status === 429).length,
    rateLimitedSample,
    upstream: service.upstream.stats(),
  };
}
