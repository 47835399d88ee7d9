// Checks of the mixin: the shape of the generated rule files and dashboards, and that
// every series a rule or panel reads is one the demo service exports.
import { parse } from 'yaml';
import { ALERT_GROUPS, DASHBOARDS } from './mixin.ts';
import { type Expr, groupings, type Sample, selectors } from './promql.ts';

/** Labels Prometheus adds at scrape time (not in the exposition) or that histograms carry. */
const TARGET_LABELS = new Set(['job', 'instance', 'le']);

/**
 * Series families the demo cannot export, each with the reason; every other family a rule
 * or panel reads must be in the demo's /metrics. A family listed here that the demo does
 * export is reported, so the list only shrinks.
 */
export const NOT_IN_DEMO: Readonly<Record<string, string>> = {
  ballast_cache_write_behind_writes_total: 'the demo cache has no write-behind (writeBehind option)',
  ballast_cache_write_behind_queued: 'the demo cache has no write-behind (writeBehind option)',
  ballast_logger_dropped_total: 'counted on the first dropped line; the demo logs no repeat storm',
  ballast_logger_sink_failures_total: 'counted on the first sink failure; the demo file sink does not fail',
  ballast_errors_suppressed_total: 'counted on the first report held back by the reporter rate limit',
  ballast_resilience_fallbacks_total:
    'the demo pipeline has no fallback policy (stale-if-error is the cache’s)',
  ballast_resilience_hedges_total:
    'counted on the first hedge: only the upstream’s slow tail (3 % of calls) triggers one, and a short demo run may have none',
  ballast_resilience_hedge_wins_total: 'counted on the first hedge that wins (see hedges_total)',
  ballast_resilience_adaptive_limit: 'the demo uses no adaptive limiter',
};

/** One series family a rule or panel reads: the metric, the labels it needs, and who reads it. */
export interface Reference {
  readonly metric: string;
  readonly labels: readonly string[];
  readonly by: string;
}

/** Every reference of every alert, recording rule (through the alerts) and dashboard panel. */
export function references(): Reference[] {
  const out: Reference[] = [];
  const add = (expr: Expr, by: string): void => {
    for (const s of selectors(expr))
      out.push({ metric: s.metric, labels: s.matchers.map((m) => m.label), by });
    for (const g of groupings(expr)) {
      for (const metric of g.metrics)
        out.push({ metric, labels: g.labels.filter((l) => !TARGET_LABELS.has(l)), by });
    }
  };
  for (const group of ALERT_GROUPS) for (const alert of group.alerts) add(alert.expr, `alert ${alert.alert}`);
  for (const dashboard of DASHBOARDS) {
    for (const panel of dashboard.panels) {
      for (const target of panel.targets)
        add(target.expr, `dashboard ${dashboard.uid} panel "${panel.title}"`);
    }
  }
  return out;
}

/** What the scrape check found. */
export interface ScrapeCheck {
  /** References to a series family or label the demo does not export: the check fails. */
  readonly missing: string[];
  /** Families the demo does not export, allowed by {@link NOT_IN_DEMO}. */
  readonly exempt: string[];
  /** Families listed in {@link NOT_IN_DEMO} that the demo does export: remove them from the list. */
  readonly staleExemptions: string[];
  /** How many distinct families were checked against the scrape. */
  readonly checked: number;
}

/** Holds the references against the demo's samples. */
export function checkAgainstScrape(
  samples: readonly Sample[],
  refs: readonly Reference[] = references(),
): ScrapeCheck {
  const labelsOf = new Map<string, Set<string>>();
  for (const sample of samples) {
    const set = labelsOf.get(sample.metric) ?? new Set<string>();
    for (const label of Object.keys(sample.labels)) set.add(label);
    labelsOf.set(sample.metric, set);
  }
  const missing = new Set<string>();
  const exempt = new Set<string>();
  const families = new Set<string>();
  for (const ref of refs) {
    families.add(ref.metric);
    const labels = labelsOf.get(ref.metric);
    if (labels === undefined) {
      if (ref.metric in NOT_IN_DEMO) exempt.add(ref.metric);
      else missing.add(`${ref.metric} (read by ${ref.by}) is not exported by the demo`);
      continue;
    }
    for (const label of ref.labels) {
      if (!TARGET_LABELS.has(label) && !labels.has(label)) {
        missing.add(`${ref.metric} has no label ${label} in the demo's export (read by ${ref.by})`);
      }
    }
  }
  const staleExemptions = Object.keys(NOT_IN_DEMO).filter((metric) => labelsOf.has(metric));
  return { missing: [...missing], exempt: [...exempt], staleExemptions, checked: families.size };
}

// ---------------------------------------------------------------------------------------
// Structure of the generated files
// ---------------------------------------------------------------------------------------

const RULE_KEYS = new Set(['record', 'alert', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations']);
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const ALERT_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const DURATION = /^\d+[smhdwy]$/;
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function balanced(expr: string): boolean {
  const stack: string[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  let quoted = false;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i] as string;
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if ('([{'.includes(c)) stack.push(c);
    else if (c in pairs && stack.pop() !== pairs[c]) return false;
  }
  return stack.length === 0 && !quoted;
}

/**
 * Problems with a Prometheus rule file (the `groups:` format of `promtool check rules`
 * and of a PrometheusRule's `spec`): each message names the group and rule. Empty when valid.
 * `runbooks` says whether a runbook file exists for a `runbook_url`.
 */
export function validateRuleFile(text: string, runbookExists: (url: string) => boolean): string[] {
  const problems: string[] = [];
  const doc = parse(text) as unknown;
  if (!isRecord(doc) || !Array.isArray(doc.groups) || doc.groups.length === 0) return ['no `groups:` list'];
  const groupNames = new Set<string>();
  for (const [g, group] of doc.groups.entries()) {
    if (!isRecord(group) || typeof group.name !== 'string' || group.name === '') {
      problems.push(`group ${g} has no name`);
      continue;
    }
    if (groupNames.has(group.name)) problems.push(`group ${group.name} is defined twice`);
    groupNames.add(group.name);
    if (!Array.isArray(group.rules) || group.rules.length === 0) {
      problems.push(`group ${group.name} has no rules`);
      continue;
    }
    for (const [r, rule] of group.rules.entries()) {
      const where = `group ${group.name}, rule ${r}`;
      if (!isRecord(rule)) {
        problems.push(`${where} is not a mapping`);
        continue;
      }
      for (const key of Object.keys(rule))
        if (!RULE_KEYS.has(key)) problems.push(`${where}: unknown key ${key}`);
      const isAlert = typeof rule.alert === 'string';
      if (isAlert === (typeof rule.record === 'string')) {
        problems.push(`${where}: needs exactly one of record and alert`);
        continue;
      }
      const name = String(isAlert ? rule.alert : rule.record);
      if (!(isAlert ? ALERT_NAME : METRIC_NAME).test(name)) problems.push(`${where}: invalid name ${name}`);
      if (typeof rule.expr !== 'string' || rule.expr.trim() === '') problems.push(`${name}: no expr`);
      else if (!balanced(rule.expr)) problems.push(`${name}: unbalanced brackets or quotes in expr`);
      if (!isAlert) {
        if (rule.for !== undefined || rule.annotations !== undefined)
          problems.push(`${name}: a recording rule takes no for or annotations`);
        continue;
      }
      if (rule.for !== undefined && !(typeof rule.for === 'string' && DURATION.test(rule.for))) {
        problems.push(`${name}: for must be a duration like 5m`);
      }
      const labels = isRecord(rule.labels) ? rule.labels : {};
      if (!['critical', 'warning', 'info'].includes(String(labels.severity))) {
        problems.push(`${name}: labels.severity must be critical, warning or info`);
      }
      const annotations = isRecord(rule.annotations) ? rule.annotations : {};
      for (const key of ['summary', 'description', 'runbook_url']) {
        if (typeof annotations[key] !== 'string' || annotations[key] === '')
          problems.push(`${name}: no annotations.${key}`);
      }
      if (typeof annotations.runbook_url === 'string' && !runbookExists(annotations.runbook_url)) {
        problems.push(`${name}: runbook_url ${annotations.runbook_url} names no runbook in docs/runbooks/`);
      }
    }
  }
  return problems;
}

/** Problems with a generated Grafana dashboard. Empty when valid. */
export function validateDashboard(text: string): string[] {
  const problems: string[] = [];
  const doc = JSON.parse(text) as unknown;
  if (!isRecord(doc)) return ['not a JSON object'];
  for (const key of ['uid', 'title'])
    if (typeof doc[key] !== 'string' || doc[key] === '') problems.push(`no ${key}`);
  if (!Array.isArray(doc.panels) || doc.panels.length === 0) return [...problems, 'no panels'];
  const ids = new Set<unknown>();
  for (const panel of doc.panels as unknown[]) {
    if (!isRecord(panel)) {
      problems.push('a panel is not an object');
      continue;
    }
    const title = String(panel.title);
    if (ids.has(panel.id)) problems.push(`panel "${title}": duplicate id ${String(panel.id)}`);
    ids.add(panel.id);
    if (!isRecord(panel.gridPos)) problems.push(`panel "${title}": no gridPos`);
    const targets = Array.isArray(panel.targets) ? (panel.targets as unknown[]) : [];
    if (targets.length === 0) problems.push(`panel "${title}": no targets`);
    for (const target of targets) {
      if (!isRecord(target) || typeof target.expr !== 'string' || !balanced(target.expr)) {
        problems.push(`panel "${title}": a target has no valid expr`);
      }
    }
  }
  return problems;
}
