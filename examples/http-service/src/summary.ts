import type { FiredAlert } from '../../../observability/src/replay.ts';
import type { Progress, ScenarioSummary } from './scenario.js';

const pct = (ratio: number): string => `${(ratio * 100).toFixed(1)} %`;
const ms = (value: number): string => `${value.toFixed(1)} ms`;

/** `closed→open ×2, open→half-open ×3…` in order of first occurrence. */
function transitions(list: readonly string[]): string {
  if (list.length === 0) return 'none';
  const counts = new Map<string, number>();
  for (const t of list) counts.set(t, (counts.get(t) ?? 0) + 1);
  const parts = [...counts].map(([t, n]) => (n === 1 ? t : `${t} ×${n}`));
  return `${list.length}: ${parts.join(', ')}`;
}

/** The summary as a two-column table. */
export function renderSummary(summary: ScenarioSummary): string {
  const e = summary.errorsByPhase;
  const rows: Array<[string, string]> = [
    ['requests', String(summary.requests)],
    [
      'client-visible errors',
      `${summary.clientVisibleErrors} (steady ${e.steady}, outage ${e.outage}, storm ${e.storm}, recovery ${e.recovery})`,
    ],
    ['  on cached keys during outage', String(summary.outageErrorsOnCachedKeys)],
    ['  cold keys asked during outage', String(summary.outageColdRequests)],
    ['cache hit ratio', pct(summary.cacheHitRatio)],
    ['stale served', String(summary.staleServed)],
    ['breaker transitions', transitions(summary.breakerTransitions)],
    ['latency p50 / p99', `${ms(summary.latencyMs.p50)} / ${ms(summary.latencyMs.p99)}`],
    ['rate-limited (429)', String(summary.rateLimited)],
    [
      'upstream calls',
      `${summary.upstream.requests} (${summary.upstream.errors} failed, ${summary.upstream.throttled} throttled)`,
    ],
    ['duration', `${(summary.durationMs / 1000).toFixed(1)} s`],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  const rule = `${'─'.repeat(width + 2)}┼${'─'.repeat(50)}`;
  return [
    `${'metric'.padEnd(width + 2)}│ value`,
    rule,
    ...rows.map(([name, value]) => `${name.padEnd(width + 2)}│ ${value}`),
  ].join('\n');
}

/** One progress line, e.g. `[outage   ]  8.2/22.0 s  req 190  err 3  429 0  stale 41  breaker open`. */
export function renderProgress(p: Progress): string {
  return (
    `[${p.phase.padEnd(8)}] ${(p.elapsedMs / 1000).toFixed(1).padStart(4)}/${(p.totalMs / 1000).toFixed(1)} s` +
    `  req ${p.requests}  err ${p.errors}  429 ${p.rateLimited}  stale ${p.stale}  breaker ${p.breaker}`
  );
}

/**
 * The alerts of the observability mixin that the run would have fired, each with its phase,
 * time, summary and runbook; `scale` is the run time per rule time (1/60: a minute of the
 * rules is a second of the run).
 */
export function renderAlerts(fired: readonly FiredAlert[], scale: number): string {
  const compression = `time compressed ${Math.round(1 / scale)}×: a 5m window is the last ${(300 * scale).toFixed(1)} s`;
  const head = `Alerts that would have fired (observability/rules/ballast-alerts.yaml, ${compression}):`;
  if (fired.length === 0) return `${head}\n  none`;
  const width = Math.max(...fired.map((alert) => alert.alert.length));
  return [
    head,
    ...fired.map(
      (alert) =>
        `  [${alert.phase.padEnd(8)}] ${alert.at.toFixed(1).padStart(5)} s  ${alert.alert.padEnd(width)}  ${alert.severity}\n` +
        `      ${alert.summary}\n      runbook: ${alert.runbook}`,
    ),
  ].join('\n');
}
