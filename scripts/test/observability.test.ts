import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  checkAgainstScrape,
  references,
  validateDashboard,
  validateRuleFile,
} from '../../observability/src/check.ts';
import { M, Metric, promName } from '../../observability/src/metrics.ts';
import { ALERT_GROUPS, RUNBOOK_BASE } from '../../observability/src/mixin.ts';
import {
  duration,
  type Expr,
  evaluate,
  parseExposition,
  render,
  type Sample,
  type Scrape,
  seconds,
} from '../../observability/src/promql.ts';
import { mixinFiles } from '../../observability/src/render.ts';
import { fillTemplate, replayAlerts } from '../../observability/src/replay.ts';
import { runbookPathOf, runbookProblems } from '../../observability/src/runbooks.ts';

const root = new URL('../..', import.meta.url).pathname;
const read = (path: string): string => readFileSync(join(root, path), 'utf8');
const runbookExists = (url: string): boolean => {
  const path = runbookPathOf(url);
  return path !== undefined && runbookProblems(join(root, path)).length === 0;
};

const alerts = ALERT_GROUPS.flatMap((group) => group.alerts);

describe('the generated mixin', () => {
  it('is committed as generated (pnpm observability)', () => {
    for (const [path, text] of mixinFiles()) expect(read(path), path).toBe(text);
  });

  it('has rule files of the Prometheus groups format, every alert with a runbook, a summary and a description', () => {
    for (const [path] of mixinFiles()) {
      const problems = path.endsWith('.yaml')
        ? validateRuleFile(read(path), runbookExists)
        : validateDashboard(read(path));
      expect(problems, path).toEqual([]);
    }
    const doc = parse(read('observability/rules/ballast-alerts.yaml')) as {
      groups: Array<{ rules: Array<{ alert: string; annotations: Record<string, string> }> }>;
    };
    const names = doc.groups.flatMap((group) => group.rules.map((rule) => rule.alert));
    expect(names).toEqual(alerts.map((alert) => alert.alert));
  });

  it('covers every Ballast failure mode the issue names', () => {
    const names = new Set(alerts.map((alert) => alert.alert));
    for (const name of [
      'BallastCircuitBreakerOpen',
      'BallastRetryBudgetExhausted',
      'BallastRateLimitRejectionSpike',
      'BallastCacheHitRatioDrop',
      'BallastCacheTierErrors',
      'BallastCacheTierBreakerOpen',
      'BallastCacheServingStale',
      'BallastCacheWriteBehindDropped',
      'BallastLogLinesDropped',
      'BallastReadinessCheckFailing',
      'BallastErrorReportStorm',
      'BallastHttpErrorsBudgetBurn',
      'BallastHttpLatencyP95BudgetBurn',
      'BallastHttpLatencyP99BudgetBurn',
    ]) {
      expect(names, name).toContain(name);
    }
  });

  it('refuses a rule file with a missing runbook, an unknown key or a bad duration', () => {
    const bad = [
      'groups:',
      '  - name: g',
      '    rules:',
      '      - alert: A',
      '        expr: up == 0',
      '        for: soon',
      '        labels: { severity: page }',
      '        annotations: { summary: s, description: d, runbook_url: https://example.com/x.md }',
      '      - record: "bad name"',
      '        expr: sum(up',
      '        annotations: { summary: s }',
      '      - alert: B',
      '        record: b',
      '        expr: up',
      '        keep: 1',
    ].join('\n');
    expect(validateRuleFile(bad, runbookExists)).toEqual([
      'A: for must be a duration like 5m',
      'A: labels.severity must be critical, warning or info',
      'A: runbook_url https://example.com/x.md names no runbook in docs/runbooks/',
      'group g, rule 1: invalid name bad name',
      'bad name: unbalanced brackets or quotes in expr',
      'bad name: a recording rule takes no for or annotations',
      'group g, rule 2: unknown key keep',
      'group g, rule 2: needs exactly one of record and alert',
    ]);
    expect(validateRuleFile('groups: []', runbookExists)).toEqual(['no `groups:` list']);
    expect(
      validateDashboard(
        '{"uid":"x","title":"t","panels":[{"id":1,"title":"p","targets":[{"expr":"rate(x[5m]"}]}]}',
      ),
    ).toEqual(['panel "p": no gridPos', 'panel "p": a target has no valid expr']);
  });
});

describe('runbooks', () => {
  it('every alert links a runbook in docs/runbooks with the five sections', () => {
    for (const alert of alerts) {
      const path = runbookPathOf(`${RUNBOOK_BASE}${alert.runbook}.md`);
      expect(path, alert.alert).toBe(`docs/runbooks/${alert.runbook}.md`);
      expect(runbookProblems(join(root, path as string)), alert.alert).toEqual([]);
    }
  });

  it('every runbook follows the one format, including those no alert links', () => {
    const files = readdirSync(join(root, 'docs/runbooks')).filter((name) => name !== 'README.md');
    for (const name of [
      'incident-response.md',
      'deployment-rollback.md',
      'redis-failover-data-loss.md',
      'cold-cache.md',
    ]) {
      expect(files).toContain(name);
    }
    for (const name of files) expect(runbookProblems(join(root, 'docs/runbooks', name)), name).toEqual([]);
  });

  it('names what is wrong with a runbook that breaks the format', () => {
    const dir = join(root, 'docs/runbooks');
    expect(runbookProblems(join(dir, 'missing.md'))).toEqual([`${join(dir, 'missing.md')} does not exist`]);
    expect(runbookPathOf('https://example.com/docs/runbooks/x.md')).toBeUndefined();
    expect(runbookProblems(join(dir, 'README.md'))).toEqual(
      expect.arrayContaining([expect.stringContaining('no "## What fired" section')]),
    );
  });
});

describe('metric names from the telemetry definitions', () => {
  it('renders names as the OpenTelemetry Prometheus exporter does', () => {
    expect(M.cache.requests.series).toBe('ballast_cache_requests_total');
    expect(M.resilience.breakerState.series).toBe('ballast_resilience_breaker_state');
    expect(render(M.resilience.duration.range('rate', 300, {}, 'bucket'))).toBe(
      'rate(ballast_resilience_execute_duration_bucket[5m])',
    );
    expect(promName('a.b-c..d')).toBe('a_b_c_d');
  });

  it('follows a renamed metric into the rules, and fails on an undeclared attribute or bucket', () => {
    const renamed = new Metric({ ...M.cache.requests.definition, name: 'ballast.cache.reads' });
    expect(render(renamed.range('rate', 300, { 'cache.result': 'hit' }))).toBe(
      'rate(ballast_cache_reads_total{cache_result="hit"}[5m])',
    );
    expect(() => M.cache.requests.label('cache.colour')).toThrow(/has no attribute "cache.colour"/);
    expect(() => M.http.duration.boundary(0.3)).toThrow(/not a bucket boundary/);
    expect(() => M.cache.entries.range('rate', 300)).toThrow(/rate\(\) needs a counter/);
    expect(() => M.http.duration.range('rate', 300)).toThrow(/needs a part/);
  });

  it('reports a reference the demo does not export, and a stale exemption', () => {
    const samples: Sample[] = [
      { metric: 'ballast_cache_requests_total', labels: { cache_name: 'c' }, value: 1 },
      { metric: 'ballast_logger_dropped_total', labels: {}, value: 1 },
    ];
    const result = checkAgainstScrape(samples, [
      {
        metric: 'ballast_cache_requests_total',
        labels: ['cache_name', 'cache_result', 'job'],
        by: 'alert X',
      },
      { metric: 'ballast_cache_reads_total', labels: [], by: 'alert Y' },
      { metric: 'ballast_resilience_hedges_total', labels: [], by: 'panel Z' },
    ]);
    expect(result.missing).toEqual([
      "ballast_cache_requests_total has no label cache_result in the demo's export (read by alert X)",
      'ballast_cache_reads_total (read by alert Y) is not exported by the demo',
    ]);
    expect(result.exempt).toEqual(['ballast_resilience_hedges_total']);
    expect(result.staleExemptions).toEqual(['ballast_logger_dropped_total']);
    expect(references().length).toBeGreaterThan(alerts.length);
  });
});

// ---------------------------------------------------------------------------------------
// The evaluator
// ---------------------------------------------------------------------------------------

const counter = (metric: string, labels: Record<string, string>, value: number): Sample => ({
  metric,
  labels,
  value,
});
const sel = (metric: string, matchers: Array<[string, string]> = []): Expr => ({
  type: 'selector',
  metric,
  matchers: matchers.map(([label, value]) => ({ label, op: '=', value })),
});
const rateOf = (metric: string, window: number): Expr => ({
  type: 'range',
  fn: 'rate',
  metric,
  matchers: [],
  window,
});

describe('evaluate', () => {
  it('parses the exposition format with escapes, comments and infinities', () => {
    const text = [
      '# HELP x_total a counter',
      'x_total{a="q\\"uote",b="back\\\\slash"} 3',
      'y_bucket{le="+Inf"} 7 1700000000',
      'z -Inf',
      '',
    ].join('\n');
    expect(parseExposition(text)).toEqual([
      { metric: 'x_total', labels: { a: 'q"uote', b: 'back\\slash' }, value: 3 },
      { metric: 'y_bucket', labels: { le: '+Inf' }, value: 7 },
      { metric: 'z', labels: {}, value: Number.NEGATIVE_INFINITY },
    ]);
    expect(() => parseExposition('not a sample')).toThrow(/Not a Prometheus sample line/);
  });

  it('computes ratios, sums by label, comparisons, and/or like PromQL', () => {
    const scrapes: Scrape[] = [
      { at: 0, samples: [] },
      {
        at: 10,
        samples: [
          counter('req_total', { code: '500', route: 'a' }, 10),
          counter('req_total', { code: '200', route: 'a' }, 90),
          counter('req_total', { code: '200', route: 'b' }, 200),
        ],
      },
    ];
    const errors: Expr = {
      type: 'agg',
      op: 'sum',
      by: ['route'],
      expr: {
        type: 'range',
        fn: 'rate',
        metric: 'req_total',
        matchers: [{ label: 'code', op: '=~', value: '5..' }],
        window: 60,
      },
    };
    const all: Expr = { type: 'agg', op: 'sum', by: ['route'], expr: rateOf('req_total', 60) };
    const ratio: Expr = { type: 'binary', op: '/', left: errors, right: all };
    expect(evaluate(ratio, { scrapes, at: 10 })).toEqual([{ labels: { route: 'a' }, value: 0.1 }]);
    const high: Expr = { type: 'binary', op: '>', left: all, right: { type: 'scalar', value: 15 } };
    expect(evaluate(high, { scrapes, at: 10 }).map((e) => e.labels.route)).toEqual(['b']);
    const both: Expr = { type: 'binary', op: 'and', left: all, right: high };
    expect(evaluate(both, { scrapes, at: 10 })).toEqual([{ labels: { route: 'b' }, value: 20 }]);
    const either: Expr = { type: 'binary', op: 'or', left: high, right: all };
    expect(evaluate(either, { scrapes, at: 10 })).toHaveLength(2);
    const scaled: Expr = { type: 'binary', op: '-', left: { type: 'scalar', value: 1 }, right: ratio };
    expect(evaluate(scaled, { scrapes, at: 10 })[0]?.value).toBeCloseTo(0.9);
    expect(
      evaluate(
        { type: 'agg', op: 'max', by: [], expr: sel('req_total', [['route', 'a']]) },
        { scrapes, at: 10 },
      ),
    ).toEqual([{ labels: {}, value: 90 }]);
    expect(render(scaled)).toBe(
      '1 - sum by (route) (rate(req_total{code=~"5.."}[1m])) / sum by (route) (rate(req_total[1m]))',
    );
    expect(() => evaluate(all, { scrapes: [], at: 0 })).toThrow(/at least one scrape/);
  });

  it('property: the rate of a counter growing at a constant slope is that slope, whatever the window and scrape interval', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.1, max: 1000, noNaN: true }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 3600 }),
        fc.integer({ min: 2, max: 60 }),
        (slope, every, window, count) => {
          const scrapes: Scrape[] = Array.from({ length: count }, (_, i) => ({
            at: i * every,
            samples: [counter('c_total', {}, slope * i * every)],
          }));
          const [result] = evaluate(rateOf('c_total', window), { scrapes, at: (count - 1) * every });
          expect(result?.value).toBeCloseTo(slope, 6);
        },
      ),
    );
  });

  it('property: histogram_quantile lies within the bucket holding its rank, and grows with q', () => {
    const bounds = [0.1, 0.5, 1, 5];
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 5, maxLength: 5 }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        (counts, q1, q2) => {
          fc.pre(counts.reduce((a, b) => a + b, 0) > 0);
          let total = 0;
          const samples = [...bounds.map(String), '+Inf'].map((le, i) => {
            total += counts[i] as number;
            return counter('h_bucket', { le }, total);
          });
          const scrapes: Scrape[] = [{ at: 0, samples }];
          const q = (value: number): number =>
            evaluate({ type: 'quantile', q: value, expr: sel('h_bucket') }, { scrapes, at: 0 })[0]
              ?.value as number;
          const [low, high] = q1 <= q2 ? [q1, q2] : [q2, q1];
          expect(q(low)).toBeLessThanOrEqual(q(high) + 1e-9);
          expect(q(low)).toBeGreaterThanOrEqual(0);
          expect(q(high)).toBeLessThanOrEqual(5);
        },
      ),
    );
    expect(
      evaluate(
        { type: 'quantile', q: 0.5, expr: sel('h_bucket') },
        { scrapes: [{ at: 0, samples: [counter('h_bucket', { le: '1' }, 0)] }], at: 0 },
      )[0]?.value,
    ).toBeNaN();
  });

  it('writes and reads Prometheus durations', () => {
    expect([300, 1800, 3600, 86_400, 45].map(duration)).toEqual(['5m', '30m', '1h', '1d', '45s']);
    expect(['5m', '3d', '30s'].map(seconds)).toEqual([300, 259_200, 30]);
    expect(() => seconds('soon')).toThrow(/not a duration/);
    expect(() => duration(0.5)).toThrow(/whole number/);
  });
});

describe('replayAlerts', () => {
  /** A breaker open from `from` to `to` seconds, scraped every 0.5 s. */
  function breakerRun(from: number, to: number): Scrape[] {
    return Array.from({ length: 21 }, (_, i) => {
      const at = i * 0.5;
      const open = at >= from && at < to ? 1 : 0;
      return {
        at,
        samples: ['closed', 'open', 'half-open'].map((state) => ({
          metric: 'ballast_resilience_breaker_state',
          labels: {
            job: 'svc',
            ballast_resilience_breaker: 'upstream',
            ballast_resilience_breaker_state: state,
          },
          value: state === 'open' ? open : state === 'closed' ? 1 - open : 0,
        })),
      };
    });
  }
  const phases = [
    { name: 'steady', start: 0 },
    { name: 'outage', start: 3 },
    { name: 'recovery', start: 8 },
  ];

  it('fires an alert once its condition has held for its `for`, scaled, in the phase it crossed', () => {
    const fired = replayAlerts(breakerRun(3, 8), phases, 1 / 60);
    expect(fired.map((f) => [f.alert, f.phase, f.at, f.runbook])).toEqual([
      ['BallastCircuitBreakerOpen', 'outage', 5, 'docs/runbooks/upstream-outage.md'],
    ]);
    expect(fired[0]?.summary).toBe(
      'Circuit breaker upstream of svc has been open for over 2m: calls to that dependency fail fast.',
    );
  });

  it('does not fire for a condition shorter than its `for`', () => {
    expect(replayAlerts(breakerRun(3, 4.5), phases, 1 / 60)).toEqual([]);
  });

  it('fills the templates Prometheus would', () => {
    expect(
      fillTemplate('{{ $labels.a }}: {{ $value | humanizePercentage }}, {{ $value }}', { a: 'x' }, 0.1234),
    ).toBe('x: 12.3%, 0.123');
    expect(fillTemplate('{{ $value | humanizeDuration }} {{ $labels.none }}.', {}, 2)).toBe('2s .');
  });
});
