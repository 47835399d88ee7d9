// The Ballast mixin: recording rules, alerts and dashboards, written as expression trees
// over the metrics of the telemetry definitions (./metrics.ts). `pnpm observability`
// renders them to observability/rules/*.yaml and observability/dashboards/*.json.
import { M, type Metric, type Where } from './metrics.ts';
import { type Expr, seconds } from './promql.ts';

/** Where the runbooks live; an alert's `runbook_url` is this plus `<runbook>.md`. */
export const RUNBOOK_BASE = 'https://github.com/ballast-kit/ballast/blob/main/docs/runbooks/';

/** The thresholds of the mixin (edit here, then `pnpm observability`). */
export const CONFIG = {
  /** The label Prometheus gives each scraped service. */
  job: 'job',
  /** A breaker may stay open (or half-open, probing) this long before an alert. */
  breakerOpenFor: '2m',
  /** Open this long, the breaker no longer shields users: the outage outlives the stale grace. */
  breakerOpenLongFor: '30m',
  /** Availability objective of the HTTP service: non-5xx answers over 30 days. */
  availability: 0.999,
  /** Latency objectives: this share of requests faster than the threshold (a bucket boundary, seconds). */
  latency: {
    p95: { threshold: 0.1, objective: 0.95 },
    p99: { threshold: 0.5, objective: 0.99 },
  },
  /** Rate-limit refusals per second (per service) that make a storm. */
  rateLimitedPerSecond: 1,
  /** Share of a tier's reads that fail before an alert. */
  tierErrorRatio: 0.05,
  /** Share of reads served stale before an alert. */
  staleRatio: 0.05,
  /** The hit ratio is "dropped" below this share of its 1-day average. */
  hitRatioDrop: 0.7,
  /** Dropped log lines per second before an alert. */
  droppedLinesPerSecond: 1,
  /** A health check slower than this (seconds, p99) makes probes time out. */
  slowCheck: 1,
} as const;

// ---------------------------------------------------------------------------------------
// Expression helpers
// ---------------------------------------------------------------------------------------

const J = CONFIG.job;
const scalar = (value: number): Expr => ({ type: 'scalar', value });
const agg = (op: 'sum' | 'max', by: readonly string[], expr: Expr): Expr => ({ type: 'agg', op, by, expr });
const sum = (by: readonly string[], expr: Expr): Expr => agg('sum', by, expr);
const max = (by: readonly string[], expr: Expr): Expr => agg('max', by, expr);
const bin = (op: Extract<Expr, { type: 'binary' }>['op'], left: Expr, right: Expr | number): Expr => ({
  type: 'binary',
  op,
  left,
  right: typeof right === 'number' ? scalar(right) : right,
});
const quantile = (q: number, expr: Expr): Expr => ({ type: 'quantile', q, expr });
const rate = (metric: Metric, window: string, where: Where = {}, part?: 'count' | 'bucket'): Expr =>
  metric.range('rate', seconds(window), where, part);
const increase = (metric: Metric, window: string, where: Where = {}): Expr =>
  metric.range('increase', seconds(window), where);
/** `sum by (job, labels of attributes)` of one metric. */
const by = (metric: Metric, ...attributes: string[]): string[] => [
  J,
  ...attributes.map((a) => metric.label(a)),
];

// ---------------------------------------------------------------------------------------
// Recording rules
// ---------------------------------------------------------------------------------------

/** A recording rule: a name and the expression it stores. */
export interface Recording {
  readonly record: string;
  readonly expr: Expr;
}

const SLO_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;
type SloWindow = (typeof SLO_WINDOWS)[number];

const http = M.http.duration;
const httpBy = [J];

/** Share of requests answered with a 5xx over `window`. */
function errorRatio(window: string): Expr {
  return bin(
    '/',
    sum(httpBy, rate(http, window, { 'http.response.status_code': /5../ }, 'count')),
    sum(httpBy, rate(http, window, {}, 'count')),
  );
}

/** Share of requests slower than `threshold` seconds over `window`. */
function slowRatio(threshold: number, window: string): Expr {
  return bin(
    '-',
    scalar(1),
    bin(
      '/',
      sum(httpBy, rate(http, window, { le: http.boundary(threshold) }, 'bucket')),
      sum(httpBy, rate(http, window, {}, 'count')),
    ),
  );
}

type Sli = 'error' | 'slow_p95' | 'slow_p99';
const SLI_EXPR: Record<Sli, (window: string) => Expr> = {
  error: errorRatio,
  slow_p95: (window) => slowRatio(CONFIG.latency.p95.threshold, window),
  slow_p99: (window) => slowRatio(CONFIG.latency.p99.threshold, window),
};

const sliRecords = new Map<string, Expr>();
/** The recording rule of one SLI over one window, as a reference. */
function sli(name: Sli, window: SloWindow): Expr {
  const record = `job:http_server_request_${name}:ratio_rate${window}`;
  let expr = sliRecords.get(record);
  if (expr === undefined) {
    expr = { type: 'record', name: record, expr: SLI_EXPR[name](window) };
    sliRecords.set(record, expr);
  }
  return expr;
}

const hitRatio = (window: string): Expr => ({
  type: 'record',
  name: `job_cache:ballast_cache_hit:ratio_rate${window}`,
  expr: bin(
    '/',
    sum(by(M.cache.requests, 'cache.name'), rate(M.cache.requests, window, { 'cache.result': 'hit' })),
    sum(by(M.cache.requests, 'cache.name'), rate(M.cache.requests, window, { 'cache.result': /hit|miss/ })),
  ),
});

const requestRate = (window: string): Expr => ({
  type: 'record',
  name: `job:http_server_requests:rate${window}`,
  expr: sum(httpBy, rate(http, window, {}, 'count')),
});

// ---------------------------------------------------------------------------------------
// Alerts
// ---------------------------------------------------------------------------------------

/** One alerting rule. */
export interface Alert {
  readonly alert: string;
  readonly expr: Expr;
  /** How long the condition must hold, e.g. `5m`; `0s` fires at once. */
  readonly for: string;
  /** `critical` pages; `warning` makes a ticket. */
  readonly severity: 'critical' | 'warning';
  /** One line a person can act on; `{{ $labels.x }}` and `{{ $value }}` are filled in. */
  readonly summary: string;
  /** What is happening, what it means for users, where to look first. */
  readonly description: string;
  /** The runbook file in docs/runbooks/, without `.md`. */
  readonly runbook: string;
}

/** The alert groups, by group name. */
export interface AlertGroup {
  readonly name: string;
  readonly alerts: readonly Alert[];
}

const breaker = M.resilience.breakerState;
const breakerLabel = breaker.label('ballast.resilience.breaker');
const notClosed = (where: Where): Expr =>
  max(
    by(breaker, 'ballast.resilience.breaker'),
    breaker.select({ 'ballast.resilience.breaker.state': /open|half-open/, ...where }),
  );

const budget = (objective: number, factor: number): number =>
  Number((factor * (1 - objective)).toPrecision(6));

/** Multi-window multi-burn-rate alerts (Google SRE workbook, ch. 5) for one SLI. */
function burnRate(
  name: string,
  what: string,
  sliName: Sli,
  objective: number,
  runbook: string,
  objectiveText: string,
): Alert[] {
  const over = (long: SloWindow, short: SloWindow, factor: number): Expr =>
    bin(
      'and',
      bin('>', sli(sliName, long), budget(objective, factor)),
      bin('>', sli(sliName, short), budget(objective, factor)),
    );
  return [
    {
      alert: `${name}BudgetBurn`,
      expr: bin('or', over('1h', '5m', 14.4), over('6h', '30m', 6)),
      for: '2m',
      severity: 'critical',
      summary: `{{ $labels.job }} is burning its ${what} error budget fast: at this rate the 30-day budget is gone within 2 days.`,
      description: `The ${what} SLO (${objectiveText}) is burning its budget at more than 14.4× over 1 h and 5 min (or 6× over 6 h and 30 min). Users are affected now. Current ratio over the short window: {{ $value | humanizePercentage }}.`,
      runbook,
    },
    {
      alert: `${name}BudgetBurnSlow`,
      expr: bin('or', over('1d', '2h', 3), over('3d', '6h', 1)),
      for: '1h',
      severity: 'warning',
      summary: `{{ $labels.job }} is slowly burning its ${what} error budget: it will run out before the 30 days end.`,
      description: `The ${what} SLO (${objectiveText}) burns its budget at more than 3× over 1 day and 2 h (or 1× over 3 days and 6 h). Not urgent; find the cause within working hours.`,
      runbook,
    },
  ];
}

const rejections = M.resilience.rejections;
const tiers = M.cache.tierRequests;
const requests = M.cache.requests;
const checkRuns = M.health.checkDuration;

/** Every alert of the mixin, by group. */
export const ALERT_GROUPS: readonly AlertGroup[] = [
  {
    name: 'ballast-resilience',
    alerts: [
      {
        alert: 'BallastCircuitBreakerOpen',
        expr: bin('==', notClosed({ 'ballast.resilience.breaker': { not: /cache:.*/ } }), 1),
        for: CONFIG.breakerOpenFor,
        severity: 'warning',
        summary: `Circuit breaker {{ $labels.${breakerLabel} }} of {{ $labels.job }} has been open for over ${CONFIG.breakerOpenFor}: calls to that dependency fail fast.`,
        description:
          'The breaker opened after repeated failures of the dependency it guards and has not closed since (it probes in half-open and reopens). Callers get CIRCUIT_OPEN at once, or a fallback/stale value. Check the dependency first; the breaker itself is working as designed.',
        runbook: 'upstream-outage',
      },
      {
        alert: 'BallastCircuitBreakerOpenLong',
        expr: bin('==', notClosed({ 'ballast.resilience.breaker': { not: /cache:.*/ } }), 1),
        for: CONFIG.breakerOpenLongFor,
        severity: 'critical',
        summary: `Circuit breaker {{ $labels.${breakerLabel} }} of {{ $labels.job }} has been open for over ${CONFIG.breakerOpenLongFor}: the outage outlasts what the breaker and stale values cover.`,
        description:
          'A dependency has been failing for longer than stale-if-error grace and fallbacks are meant to bridge. Expect cold keys to fail and stale data to age out. Escalate to the dependency owner and decide on degraded mode.',
        runbook: 'dependency-outage-beyond-breaker',
      },
      {
        alert: 'BallastRetryBudgetExhausted',
        expr: bin(
          '>',
          sum(
            by(rejections),
            rate(rejections, '5m', {
              'ballast.resilience.policy': 'retry',
              'ballast.resilience.reason': 'budget',
            }),
          ),
          0,
        ),
        for: '5m',
        severity: 'warning',
        summary:
          '{{ $labels.job }} has spent its retry budget: failures are no longer retried ({{ $value | humanize }}/s refused).',
        description:
          'More calls fail than the shared retry budget covers, so retries stop to protect the dependency from a retry storm. Users see the first failure of each call. The dependency is failing broadly; see which breaker or error type dominates.',
        runbook: 'upstream-outage',
      },
      {
        alert: 'BallastRateLimitRejectionSpike',
        expr: bin(
          '>',
          sum(
            by(rejections, 'ballast.resilience.policy'),
            rate(rejections, '5m', {
              'ballast.resilience.policy': /token_bucket|redis_rate_limiter/,
              'ballast.resilience.reason': 'rate_limited',
            }),
          ),
          CONFIG.rateLimitedPerSecond,
        ),
        for: '2m',
        severity: 'warning',
        summary:
          '{{ $labels.job }} refuses {{ $value | humanize }} requests/s with 429 ({{ $labels.ballast_resilience_policy }}).',
        description:
          'Clients are over their rate limits: one greedy client, a retry loop without backoff, or limits set too low for real traffic. Well-behaved clients are unaffected unless the limit is shared.',
        runbook: '429-storm',
      },
      {
        alert: 'BallastRateLimiterRedisErrors',
        expr: bin(
          '>',
          sum(
            by(rejections),
            rate(rejections, '5m', {
              'ballast.resilience.policy': 'redis_rate_limiter',
              'ballast.resilience.reason': 'redis_error',
            }),
          ),
          0,
        ),
        for: '2m',
        severity: 'warning',
        summary:
          'The Redis rate limiter of {{ $labels.job }} cannot reach Redis and falls back to its onRedisError mode.',
        description:
          'Each process now admits its share of the limit (local), everything (allow) or nothing (deny). Check Redis.',
        runbook: 'redis-outage',
      },
    ],
  },
  {
    name: 'ballast-cache',
    alerts: [
      {
        alert: 'BallastCacheTierErrors',
        expr: bin(
          '>',
          bin(
            '/',
            sum(by(tiers, 'cache.name', 'cache.tier'), rate(tiers, '5m', { 'cache.result': 'error' })),
            sum(by(tiers, 'cache.name', 'cache.tier'), rate(tiers, '5m')),
          ),
          CONFIG.tierErrorRatio,
        ),
        for: '5m',
        severity: 'warning',
        summary:
          'Cache {{ $labels.cache_name }}: {{ $value | humanizePercentage }} of reads of tier {{ $labels.cache_tier }} fail.',
        description:
          'The shared tier (Redis) times out or refuses; reads fall through to the other tiers and the data source, which takes the extra load. Latency rises until the tier breaker opens.',
        runbook: 'redis-outage',
      },
      {
        alert: 'BallastCacheTierBreakerOpen',
        expr: bin(
          '==',
          max(
            by(breaker, 'ballast.resilience.breaker'),
            breaker.select({
              'ballast.resilience.breaker': /cache:.*/,
              'ballast.resilience.breaker.state': 'open',
            }),
          ),
          1,
        ),
        for: '1m',
        severity: 'warning',
        summary:
          'Cache tier breaker {{ $labels.ballast_resilience_breaker }} of {{ $labels.job }} is open: the cache runs without that tier.',
        description:
          'The cache stopped calling its shared tier after repeated failures. It serves from L1, stale values and the data source; other instances may serve values this one deleted (the bus is down too). Writes the tier missed are repaired once it answers.',
        runbook: 'redis-outage',
      },
      {
        alert: 'BallastCacheServingStale',
        expr: bin(
          '>',
          bin(
            '/',
            sum(
              by(requests, 'cache.name', 'cache.namespace'),
              rate(requests, '5m', { 'cache.result': 'stale' }),
            ),
            sum(by(requests, 'cache.name', 'cache.namespace'), rate(requests, '5m')),
          ),
          CONFIG.staleRatio,
        ),
        for: '2m',
        severity: 'warning',
        summary:
          'Cache {{ $labels.cache_name }} serves {{ $value | humanizePercentage }} of {{ $labels.cache_namespace }} reads stale: the data source is failing.',
        description:
          'Stale-if-error is hiding a data-source failure from users. It lasts as long as the grace period; after that, reads of those keys fail. Find out why the factory fails (upstream outage, breaker open).',
        runbook: 'upstream-outage',
      },
      {
        alert: 'BallastCacheHitRatioDrop',
        expr: bin(
          'and',
          bin('<', hitRatio('5m'), bin('*', hitRatio('1d'), CONFIG.hitRatioDrop)),
          bin('>', sum(by(requests, 'cache.name'), rate(requests, '5m')), 1),
        ),
        for: '10m',
        severity: 'warning',
        summary: `Cache {{ $labels.cache_name }} hit ratio fell to {{ $value | humanizePercentage }}, below ${CONFIG.hitRatioDrop * 100} % of its daily average.`,
        description:
          'More reads reach the data source than usual: a cold cache after a restart, deploy or Redis failover, a flush, a new key pattern or TTLs set too short. Watch the data source load.',
        runbook: 'cold-cache',
      },
      {
        alert: 'BallastCacheWriteBehindDropped',
        expr: bin(
          '>',
          sum(
            by(M.cache.writeBehindWrites, 'cache.name'),
            increase(M.cache.writeBehindWrites, '5m', { 'cache.result': 'dropped' }),
          ),
          0,
        ),
        for: '0s',
        severity: 'critical',
        summary:
          'Cache {{ $labels.cache_name }} dropped {{ $value | humanize }} write-behind writes: the shared tier never got them.',
        description:
          'Queued writes failed every flush attempt and were dropped. Redis keeps an older copy (or none) of those keys until they are written again; other instances may read the old value. The write-behind:drop events name the keys.',
        runbook: 'redis-failover-data-loss',
      },
    ],
  },
  {
    name: 'ballast-logger',
    alerts: [
      {
        alert: 'BallastLogLinesDropped',
        expr: bin(
          '>',
          sum(by(M.logger.dropped, 'ballast.logger.reason'), rate(M.logger.dropped, '5m')),
          CONFIG.droppedLinesPerSecond,
        ),
        for: '10m',
        severity: 'warning',
        summary:
          '{{ $labels.job }} drops {{ $value | humanize }} log lines/s ({{ $labels.ballast_logger_reason }}).',
        description:
          'duplicate: one line repeats so often the repeat limiter folds it (a log storm, usually an error in a loop). closed: lines logged after the logger closed are lost (shutdown order). Either way lines you may need are not written.',
        runbook: 'log-volume-disk-full',
      },
      {
        alert: 'BallastLogSinkFailing',
        expr: bin(
          '>',
          sum(by(M.logger.sinkFailures, 'ballast.logger.sink'), increase(M.logger.sinkFailures, '5m')),
          0,
        ),
        for: '5m',
        severity: 'critical',
        summary:
          'Log sink {{ $labels.ballast_logger_sink }} of {{ $labels.job }} fails to write: log lines are being lost.',
        description:
          'A sink cannot write, flush or close: a full disk, a missing directory, a closed pipe or an unreachable collector. stderr shows the first failure only.',
        runbook: 'log-volume-disk-full',
      },
    ],
  },
  {
    name: 'ballast-health',
    alerts: [
      {
        alert: 'BallastReadinessCheckFailing',
        expr: bin(
          '>',
          sum(
            by(checkRuns, 'ballast.health.check'),
            rate(checkRuns, '5m', { 'ballast.health.status': 'fail' }, 'count'),
          ),
          0,
        ),
        for: '5m',
        severity: 'critical',
        summary:
          'Health check {{ $labels.ballast_health_check }} of {{ $labels.job }} fails: the instance reports not ready.',
        description:
          'A failing check makes /health/ready answer 503, so the load balancer takes the instance out. If every instance fails the same check, the service is down. The doctor line names the check and its suggestion.',
        runbook: 'slow-health-probes',
      },
      {
        alert: 'BallastHealthCheckSlow',
        expr: bin(
          '>',
          quantile(
            0.99,
            sum([...by(checkRuns, 'ballast.health.check'), 'le'], rate(checkRuns, '5m', {}, 'bucket')),
          ),
          CONFIG.slowCheck,
        ),
        for: '10m',
        severity: 'warning',
        summary:
          'Health check {{ $labels.ballast_health_check }} of {{ $labels.job }} takes {{ $value | humanizeDuration }} (p99): probes may time out.',
        description:
          'A slow check makes readiness probes time out and pods flap. Give the check a timeout shorter than the probe, cache or poll it in the background.',
        runbook: 'slow-health-probes',
      },
    ],
  },
  {
    name: 'ballast-errors',
    alerts: [
      {
        alert: 'BallastErrorReportStorm',
        expr: bin('>', sum(by(M.errors.suppressed, 'error.type'), rate(M.errors.suppressed, '5m')), 0),
        for: '5m',
        severity: 'warning',
        summary:
          '{{ $labels.job }} reports {{ $labels.error_type }} so often the error reporter holds reports back ({{ $value | humanize }}/s suppressed).',
        description:
          'An error storm: one error repeats past the reporter rate limit. Error tracking shows it once per window with a count; find what fails in a loop.',
        runbook: 'high-error-rate',
      },
    ],
  },
  {
    name: 'ballast-slo',
    alerts: [
      ...burnRate(
        'BallastHttpErrors',
        'availability',
        'error',
        CONFIG.availability,
        'high-error-rate',
        `${CONFIG.availability * 100} % of requests without a 5xx over 30 days`,
      ),
      ...burnRate(
        'BallastHttpLatencyP95',
        'p95 latency',
        'slow_p95',
        CONFIG.latency.p95.objective,
        'latency-slo-burn',
        `${CONFIG.latency.p95.objective * 100} % of requests within ${CONFIG.latency.p95.threshold * 1000} ms`,
      ),
      ...burnRate(
        'BallastHttpLatencyP99',
        'p99 latency',
        'slow_p99',
        CONFIG.latency.p99.objective,
        'latency-slo-burn',
        `${CONFIG.latency.p99.objective * 100} % of requests within ${CONFIG.latency.p99.threshold * 1000} ms`,
      ),
    ],
  },
];

/** Every recording rule the alerts and dashboards use, in a stable order. */
export function recordings(): Recording[] {
  const found = new Map<string, Expr>();
  const visit = (expr: Expr): void => {
    if (expr.type === 'record') {
      visit(expr.expr);
      if (!found.has(expr.name)) found.set(expr.name, expr.expr);
    } else if (expr.type === 'agg' || expr.type === 'quantile') visit(expr.expr);
    else if (expr.type === 'binary') {
      visit(expr.left);
      visit(expr.right);
    }
  };
  for (const name of ['error', 'slow_p95', 'slow_p99'] as const)
    for (const window of SLO_WINDOWS) visit(sli(name, window));
  visit(requestRate('5m'));
  for (const group of ALERT_GROUPS) for (const alert of group.alerts) visit(alert.expr);
  for (const dashboard of DASHBOARDS)
    for (const panel of dashboard.panels) for (const target of panel.targets) visit(target.expr);
  return [...found].map(([record, expr]) => ({ record, expr }));
}

// ---------------------------------------------------------------------------------------
// Dashboards
// ---------------------------------------------------------------------------------------

/** One panel: a time series of one or more queries. */
export interface Panel {
  readonly title: string;
  readonly description: string;
  /** The Grafana unit: `reqps`, `percentunit`, `s`, `short`, `bytes`. */
  readonly unit: string;
  readonly targets: ReadonlyArray<{ readonly expr: Expr; readonly legend: string }>;
}

/** One dashboard. */
export interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly panels: readonly Panel[];
}

const w = '5m';
const p = (q: number, metric: Metric, labels: string[], where: Where = {}): Expr =>
  quantile(q, sum([...labels, 'le'], rate(metric, w, where, 'bucket')));
const exec = M.resilience.duration;
const lines = M.logger.lines;

export const DASHBOARDS: readonly Dashboard[] = [
  {
    uid: 'ballast-service',
    title: 'Ballast / Service overview',
    description: 'The golden signals of a Ballast HTTP service and the state of its protections.',
    panels: [
      {
        title: 'Requests by status',
        description: 'HTTP requests per second by response status code.',
        unit: 'reqps',
        targets: [
          {
            expr: sum([J, http.label('http.response.status_code')], rate(http, w, {}, 'count')),
            legend: '{{http_response_status_code}}',
          },
        ],
      },
      {
        title: 'Error ratio (5xx) and budget burn',
        description: `Share of requests answered 5xx; the SLO allows ${((1 - CONFIG.availability) * 100).toFixed(1)} %.`,
        unit: 'percentunit',
        targets: [
          { expr: sli('error', '5m'), legend: '5m' },
          { expr: sli('error', '1h'), legend: '1h' },
        ],
      },
      {
        title: 'Latency p50 / p95 / p99',
        description: 'Request duration quantiles from the histogram buckets.',
        unit: 's',
        targets: [0.5, 0.95, 0.99].map((q) => ({ expr: p(q, http, [J]), legend: `p${q * 100}` })),
      },
      {
        title: 'Slow requests (latency SLIs)',
        description: `Share of requests over ${CONFIG.latency.p95.threshold * 1000} ms (p95 SLO) and ${CONFIG.latency.p99.threshold * 1000} ms (p99 SLO).`,
        unit: 'percentunit',
        targets: [
          { expr: sli('slow_p95', '5m'), legend: `> ${CONFIG.latency.p95.threshold * 1000} ms` },
          { expr: sli('slow_p99', '5m'), legend: `> ${CONFIG.latency.p99.threshold * 1000} ms` },
        ],
      },
      {
        title: 'Circuit breakers not closed',
        description: 'Each breaker in open or half-open state (1).',
        unit: 'short',
        targets: [{ expr: notClosed({}), legend: `{{${breakerLabel}}}` }],
      },
      {
        title: 'Rate-limited requests',
        description: 'Requests refused by the rate limiters, per second.',
        unit: 'reqps',
        targets: [
          {
            expr: sum(
              by(rejections, 'ballast.resilience.policy'),
              rate(rejections, w, { 'ballast.resilience.reason': 'rate_limited' }),
            ),
            legend: '{{ballast_resilience_policy}}',
          },
        ],
      },
      {
        title: 'Cache hit ratio',
        description: 'Fresh hits over hits and misses, per cache.',
        unit: 'percentunit',
        targets: [{ expr: hitRatio('5m'), legend: '{{cache_name}}' }],
      },
      {
        title: 'Error reports',
        description: 'Errors reported to the error reporter, and those its rate limit held back.',
        unit: 'short',
        targets: [
          {
            expr: sum(by(M.errors.reported, 'error.type'), rate(M.errors.reported, w)),
            legend: 'reported {{error_type}}',
          },
          {
            expr: sum(by(M.errors.suppressed, 'error.type'), rate(M.errors.suppressed, w)),
            legend: 'suppressed {{error_type}}',
          },
        ],
      },
    ],
  },
  {
    uid: 'ballast-resilience',
    title: 'Ballast / Resilience',
    description:
      'Pipelines and policies: durations, retries, rejections, breakers, hedges, batches, adaptive limits.',
    panels: [
      {
        title: 'Execute duration p99 by outcome',
        description: 'How long calls through a pipeline take, by error type (empty: success).',
        unit: 's',
        targets: [{ expr: p(0.99, exec, [J, exec.label('error.type')]), legend: '{{error_type}}' }],
      },
      {
        title: 'Attempts and retries',
        description: 'Attempts made and retries scheduled by retry policies, per second.',
        unit: 'short',
        targets: [
          { expr: sum([J], rate(M.resilience.attempts, w)), legend: 'attempts' },
          { expr: sum([J], rate(M.resilience.retries, w)), legend: 'retries' },
        ],
      },
      {
        title: 'Rejections by policy and reason',
        description:
          'Calls refused by a policy per second: open breaker, full bulkhead, rate limit, spent retry budget.',
        unit: 'short',
        targets: [
          {
            expr: sum(
              by(rejections, 'ballast.resilience.policy', 'ballast.resilience.reason'),
              rate(rejections, w),
            ),
            legend: '{{ballast_resilience_policy}} {{ballast_resilience_reason}}',
          },
        ],
      },
      {
        title: 'Breaker state',
        description: 'The current state of each breaker (one series per state, 1 for the current one).',
        unit: 'short',
        targets: [
          {
            expr: max(
              by(breaker, 'ballast.resilience.breaker', 'ballast.resilience.breaker.state'),
              breaker.select(),
            ),
            legend: '{{ballast_resilience_breaker}} {{ballast_resilience_breaker_state}}',
          },
        ],
      },
      {
        title: 'Fallbacks',
        description: 'Failures answered by a fallback, by error category.',
        unit: 'short',
        targets: [
          {
            expr: sum(
              by(M.resilience.fallbacks, 'ballast.resilience.reason'),
              rate(M.resilience.fallbacks, w),
            ),
            legend: '{{ballast_resilience_reason}}',
          },
        ],
      },
      {
        title: 'Hedged attempts and wins',
        description: 'Hedged attempts started (after the delay or a failure) and which attempt won.',
        unit: 'short',
        targets: [
          {
            expr: sum(by(M.resilience.hedges, 'ballast.resilience.reason'), rate(M.resilience.hedges, w)),
            legend: 'hedge ({{ballast_resilience_reason}})',
          },
          {
            expr: sum(
              by(M.resilience.hedgeWins, 'ballast.resilience.winner'),
              rate(M.resilience.hedgeWins, w),
            ),
            legend: 'won by {{ballast_resilience_winner}}',
          },
        ],
      },
      {
        title: 'Batch size p50 / p99',
        description: 'Keys per batch run by a batcher.',
        unit: 'short',
        targets: [0.5, 0.99].map((q) => ({
          expr: p(q, M.resilience.batchSize, by(M.resilience.batchSize, 'ballast.resilience.batcher')),
          legend: `{{ballast_resilience_batcher}} p${q * 100}`,
        })),
      },
      {
        title: 'Adaptive concurrency limit',
        description: 'The current limit of each adaptive limiter.',
        unit: 'short',
        targets: [
          {
            expr: max(
              by(M.resilience.adaptiveLimit, 'ballast.resilience.limiter'),
              M.resilience.adaptiveLimit.select(),
            ),
            legend: '{{ballast_resilience_limiter}}',
          },
        ],
      },
    ],
  },
  {
    uid: 'ballast-cache',
    title: 'Ballast / Cache',
    description: 'Reads, tiers, size and the write-behind queue of each cache.',
    panels: [
      {
        title: 'Reads by result',
        description: 'Cache reads per second: hit, miss, stale.',
        unit: 'reqps',
        targets: [
          {
            expr: sum(by(requests, 'cache.name', 'cache.result'), rate(requests, w)),
            legend: '{{cache_name}} {{cache_result}}',
          },
        ],
      },
      {
        title: 'Hit ratio, now and over the day',
        description: 'Fresh hits over hits and misses: the 5-minute ratio against the 1-day one.',
        unit: 'percentunit',
        targets: [
          { expr: hitRatio('5m'), legend: '{{cache_name}} 5m' },
          { expr: hitRatio('1d'), legend: '{{cache_name}} 1d' },
        ],
      },
      {
        title: 'Tier reads by result',
        description: 'Reads of each tier per second: hit, miss, error, corrupt.',
        unit: 'reqps',
        targets: [
          {
            expr: sum(by(tiers, 'cache.name', 'cache.tier', 'cache.result'), rate(tiers, w)),
            legend: '{{cache_tier}} {{cache_result}}',
          },
        ],
      },
      {
        title: 'Writes',
        description: 'Sets and deletes per second, by namespace.',
        unit: 'short',
        targets: [
          {
            expr: sum(by(M.cache.writes, 'cache.namespace', 'cache.operation'), rate(M.cache.writes, w)),
            legend: '{{cache_namespace}} {{cache_operation}}',
          },
        ],
      },
      {
        title: 'Entries per tier',
        description: 'Entries held by each tier that reports it.',
        unit: 'short',
        targets: [
          {
            expr: sum(by(M.cache.entries, 'cache.name', 'cache.tier'), M.cache.entries.select()),
            legend: '{{cache_name}} {{cache_tier}}',
          },
        ],
      },
      {
        title: 'Bytes per tier',
        description: 'Estimated bytes held by each tier that reports it.',
        unit: 'bytes',
        targets: [
          {
            expr: sum(by(M.cache.bytes, 'cache.name', 'cache.tier'), M.cache.bytes.select()),
            legend: '{{cache_name}} {{cache_tier}}',
          },
        ],
      },
      {
        title: 'Tier breakers',
        description: 'The breaker of each shared tier (cache:<tier>) by state.',
        unit: 'short',
        targets: [
          {
            expr: max(
              by(breaker, 'ballast.resilience.breaker', 'ballast.resilience.breaker.state'),
              breaker.select({ 'ballast.resilience.breaker': /cache:.*/ }),
            ),
            legend: '{{ballast_resilience_breaker}} {{ballast_resilience_breaker_state}}',
          },
        ],
      },
      {
        title: 'Write-behind queue',
        description:
          'Writes waiting for a flush, and flushed / failed / dropped / superseded writes per second.',
        unit: 'short',
        targets: [
          {
            expr: sum(by(M.cache.writeBehindQueued, 'cache.name'), M.cache.writeBehindQueued.select()),
            legend: '{{cache_name}} queued',
          },
          {
            expr: sum(
              by(M.cache.writeBehindWrites, 'cache.name', 'cache.result'),
              rate(M.cache.writeBehindWrites, w),
            ),
            legend: '{{cache_name}} {{cache_result}}',
          },
        ],
      },
    ],
  },
  {
    uid: 'ballast-logger',
    title: 'Ballast / Logger',
    description: 'Log volume by level, dropped lines and sink failures.',
    panels: [
      {
        title: 'Lines by level',
        description: 'Lines written per second, by level.',
        unit: 'short',
        targets: [
          {
            expr: sum(by(lines, 'ballast.logger.level'), rate(lines, w)),
            legend: '{{ballast_logger_level}}',
          },
        ],
      },
      {
        title: 'Dropped lines',
        description:
          'Lines not written per second: folded repeats (duplicate) or logged after close (closed).',
        unit: 'short',
        targets: [
          {
            expr: sum(
              by(M.logger.dropped, 'ballast.logger.reason', 'ballast.logger.level'),
              rate(M.logger.dropped, w),
            ),
            legend: '{{ballast_logger_reason}} {{ballast_logger_level}}',
          },
        ],
      },
      {
        title: 'Sink failures',
        description: 'Failures of each sink to write, flush or close, per second.',
        unit: 'short',
        targets: [
          {
            expr: sum(by(M.logger.sinkFailures, 'ballast.logger.sink'), rate(M.logger.sinkFailures, w)),
            legend: '{{ballast_logger_sink}}',
          },
        ],
      },
    ],
  },
  {
    uid: 'ballast-health',
    title: 'Ballast / Health',
    description: 'Health check runs, outcomes and durations.',
    panels: [
      {
        title: 'Check runs by status',
        description: 'Runs of each check per second by outcome: pass, warn, fail.',
        unit: 'short',
        targets: [
          {
            expr: sum(
              by(checkRuns, 'ballast.health.check', 'ballast.health.status'),
              rate(checkRuns, w, {}, 'count'),
            ),
            legend: '{{ballast_health_check}} {{ballast_health_status}}',
          },
        ],
      },
      {
        title: 'Check duration p50 / p99',
        description: 'How long each check takes; keep p99 well under the probe timeout.',
        unit: 's',
        targets: [0.5, 0.99].map((q) => ({
          expr: p(q, checkRuns, by(checkRuns, 'ballast.health.check')),
          legend: `{{ballast_health_check}} p${q * 100}`,
        })),
      },
    ],
  },
];
