// The PromQL subset the mixin is written in, as data: each rule and panel is an expression
// tree that renders to PromQL for Prometheus and Grafana, and that `evaluate` computes
// over scraped samples for the demo's "which alerts would have fired" (the same tree, so
// the printed alerts are those of the rule files, not a second copy of them).

/** A label matcher. */
export interface Matcher {
  readonly label: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

/** An expression of the subset. Durations are in seconds. */
export type Expr =
  | { readonly type: 'selector'; readonly metric: string; readonly matchers: readonly Matcher[] }
  | {
      readonly type: 'range';
      readonly fn: 'rate' | 'increase';
      readonly metric: string;
      readonly matchers: readonly Matcher[];
      readonly window: number;
    }
  | {
      readonly type: 'agg';
      readonly op: 'sum' | 'max' | 'min';
      readonly by: readonly string[];
      readonly expr: Expr;
    }
  | {
      readonly type: 'binary';
      readonly op: '/' | '*' | '-' | '+' | '>' | '<' | '>=' | '==' | 'and' | 'or';
      readonly left: Expr;
      readonly right: Expr;
    }
  | { readonly type: 'scalar'; readonly value: number }
  | { readonly type: 'quantile'; readonly q: number; readonly expr: Expr }
  | { readonly type: 'record'; readonly name: string; readonly expr: Expr };

const UNITS: Array<[string, number]> = [
  ['d', 86_400],
  ['h', 3_600],
  ['m', 60],
  ['s', 1],
];

/** A duration in seconds as Prometheus writes it: `300` → `5m`, `5400` → `90m`. */
export function duration(seconds: number): string {
  for (const [unit, size] of UNITS)
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  throw new TypeError(`${seconds} s is not a whole number of seconds`);
}

/** Parses `5m`, `1h`, `30s`, `3d` into seconds. */
export function seconds(text: string): number {
  const match = /^(\d+)([smhd])$/.exec(text);
  if (match === null) throw new TypeError(`"${text}" is not a duration like 5m, 1h, 30s or 3d`);
  return Number(match[1]) * (UNITS.find(([unit]) => unit === match[2])?.[1] ?? 1);
}

const quote = (value: string): string => JSON.stringify(value);

function selector(metric: string, own: readonly Matcher[], extra: readonly Matcher[] = []): string {
  const matchers = [...own, ...extra];
  if (matchers.length === 0) return metric;
  return `${metric}{${matchers.map((m) => `${m.label}${m.op}${quote(m.value)}`).join(', ')}}`;
}

const PRECEDENCE: Record<string, number> = {
  or: 1,
  and: 2,
  '==': 3,
  '>': 3,
  '<': 3,
  '>=': 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
};

/**
 * The expression as PromQL; `extra` matchers are added to every selector and recording
 * rule reference (a dashboard's `job=~"$job"`).
 */
export function render(expr: Expr, extra: readonly Matcher[] = []): string {
  switch (expr.type) {
    case 'selector':
      return selector(expr.metric, expr.matchers, extra);
    case 'range':
      return `${expr.fn}(${selector(expr.metric, expr.matchers, extra)}[${duration(expr.window)}])`;
    case 'agg':
      return `${expr.op} by (${expr.by.join(', ')}) (${render(expr.expr, extra)})`;
    case 'scalar':
      return String(expr.value);
    case 'quantile':
      return `histogram_quantile(${expr.q}, ${render(expr.expr, extra)})`;
    case 'record':
      return selector(expr.name, [], extra);
    case 'binary': {
      const own = PRECEDENCE[expr.op] ?? 0;
      const side = (child: Expr, right: boolean): string => {
        const text = render(child, extra);
        if (child.type !== 'binary') return text;
        const theirs = PRECEDENCE[child.op] ?? 0;
        return theirs < own || (right && theirs === own) ? `(${text})` : text;
      };
      return `${side(expr.left, false)} ${expr.op} ${side(expr.right, true)}`;
    }
  }
}

/** Every metric selector an expression reads, recording rules included (their own expressions too). */
export function selectors(expr: Expr): Array<{ metric: string; matchers: readonly Matcher[] }> {
  switch (expr.type) {
    case 'selector':
    case 'range':
      return [{ metric: expr.metric, matchers: expr.matchers }];
    case 'agg':
    case 'quantile':
    case 'record':
      return selectors(expr.expr);
    case 'binary':
      return [...selectors(expr.left), ...selectors(expr.right)];
    case 'scalar':
      return [];
  }
}

/** Every `by (…)` label of an expression, with the metrics it aggregates. */
export function groupings(expr: Expr): Array<{ labels: readonly string[]; metrics: string[] }> {
  switch (expr.type) {
    case 'agg':
      return [
        { labels: expr.by, metrics: selectors(expr.expr).map((s) => s.metric) },
        ...groupings(expr.expr),
      ];
    case 'quantile':
    case 'record':
      return groupings(expr.expr);
    case 'binary':
      return [...groupings(expr.left), ...groupings(expr.right)];
    default:
      return [];
  }
}

// ---------------------------------------------------------------------------------------
// Evaluation over scraped samples
// ---------------------------------------------------------------------------------------

/** One sample of one series: its metric name, its labels, its value. */
export interface Sample {
  readonly metric: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** One scrape: when (seconds since the first), and every sample. */
export interface Scrape {
  readonly at: number;
  readonly samples: readonly Sample[];
}

/** A result element: the labels that identify it and its value. */
export interface Element {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Where and how to evaluate: the scrapes so far, the evaluation time, the time compression. */
export interface Evaluation {
  readonly scrapes: readonly Scrape[];
  /** The evaluation time, in seconds since the first scrape. */
  readonly at: number;
  /**
   * Run time per rule time: `1/60` evaluates a `5m` window over the last 5 s of the run.
   * @defaultValue `1`
   */
  readonly scale?: number;
}

const patterns = new Map<string, RegExp>();
/** A matcher's regular expression, anchored as PromQL's, compiled once. */
function pattern(source: string): RegExp {
  let re = patterns.get(source);
  if (re === undefined) {
    re = new RegExp(`^(?:${source})$`);
    patterns.set(source, re);
  }
  return re;
}

function matches(sample: Sample, matchers: readonly Matcher[]): boolean {
  return matchers.every((m) => {
    const actual = sample.labels[m.label] ?? '';
    if (m.op === '=') return actual === m.value;
    if (m.op === '!=') return actual !== m.value;
    return pattern(m.value).test(actual) === (m.op === '=~');
  });
}

const records = new WeakMap<readonly Scrape[], Map<string, Element[]>>();
const byMetric = new WeakMap<Scrape, Map<string, Sample[]>>();
/** The samples of one metric in a scrape (indexed once per scrape). */
function samplesOf(scrape: Scrape, metric: string, matchers: readonly Matcher[]): Sample[] {
  let index = byMetric.get(scrape);
  if (index === undefined) {
    index = new Map();
    for (const sample of scrape.samples) {
      const list = index.get(sample.metric) ?? [];
      list.push(sample);
      index.set(sample.metric, list);
    }
    byMetric.set(scrape, index);
  }
  return (index.get(metric) ?? []).filter((sample) => matches(sample, matchers));
}

/** The last scrape at or before `at` (the first one when none is). */
function scrapeAt(scrapes: readonly Scrape[], at: number): Scrape {
  let found = scrapes[0];
  for (const scrape of scrapes) {
    if (scrape.at <= at + 1e-9) found = scrape;
    else break;
  }
  if (found === undefined) throw new TypeError('evaluate() needs at least one scrape');
  return found;
}

const keyOf = (labels: Readonly<Record<string, string>>): string =>
  JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));

const cleaned = new WeakMap<Sample, { labels: Record<string, string>; key: string }>();
/** A sample's labels without empty values, and their key, computed once per sample. */
function identity(sample: Sample): { labels: Record<string, string>; key: string } {
  let found = cleaned.get(sample);
  if (found === undefined) {
    const labels = clean(sample.labels);
    found = { labels, key: keyOf(labels) };
    cleaned.set(sample, found);
  }
  return found;
}

/** A series' labels without empty values (Prometheus has no empty label). */
function clean(labels: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter(([, value]) => value !== ''));
}

function compare(op: string, a: number, b: number): boolean {
  if (op === '>') return a > b;
  if (op === '<') return a < b;
  if (op === '>=') return a >= b;
  return a === b;
}

function arithmetic(op: string, a: number, b: number): number {
  if (op === '/') return a / b;
  if (op === '*') return a * b;
  if (op === '+') return a + b;
  return a - b;
}

/** `histogram_quantile` over elements that carry `le`, grouped by their other labels. */
function quantile(q: number, elements: readonly Element[]): Element[] {
  const groups = new Map<string, { labels: Record<string, string>; buckets: Array<[number, number]> }>();
  for (const element of elements) {
    const { le, ...rest } = element.labels;
    if (le === undefined) continue;
    const key = keyOf(rest);
    const group = groups.get(key) ?? { labels: rest, buckets: [] };
    group.buckets.push([le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le), element.value]);
    groups.set(key, group);
  }
  const out: Element[] = [];
  for (const { labels, buckets } of groups.values()) {
    buckets.sort(([a], [b]) => a - b);
    const total = buckets.at(-1)?.[1] ?? 0;
    if (!(total > 0)) {
      out.push({ labels, value: Number.NaN });
      continue;
    }
    const rank = q * total;
    let previousBound = 0;
    let previousCount = 0;
    let value = Number.NaN;
    for (const [bound, count] of buckets) {
      if (count >= rank) {
        // Linear interpolation inside the bucket, as Prometheus does; the +Inf bucket answers its lower bound.
        value = Number.isFinite(bound)
          ? previousBound + (bound - previousBound) * ((rank - previousCount) / (count - previousCount || 1))
          : previousBound;
        break;
      }
      previousBound = bound;
      previousCount = count;
    }
    out.push({ labels, value });
  }
  return out;
}

/**
 * Evaluates an expression at `at` over the scrapes, as Prometheus would at that instant
 * with these samples: `rate` and `increase` take the difference between the last scrape
 * and the last one at or before the window's start (the first scrape when the window is
 * longer than the run; a counter absent then counts from 0, as an OpenTelemetry counter
 * appears on its first increment). No extrapolation, no counter resets (one process).
 * With a `scale`, windows shrink but a rate stays per second of the run: the traffic is
 * real, only the rule's clock is compressed.
 */
export function evaluate(expr: Expr, evaluation: Evaluation): Element[] {
  const { scrapes, at } = evaluation;
  const scale = evaluation.scale ?? 1;
  switch (expr.type) {
    case 'scalar':
      return [{ labels: {}, value: expr.value }];
    case 'record': {
      // A recording rule is evaluated once per instant, however many rules read it.
      let memo = records.get(scrapes);
      if (memo === undefined) {
        memo = new Map();
        records.set(scrapes, memo);
      }
      const key = `${expr.name}@${at}@${scale}`;
      let found = memo.get(key);
      if (found === undefined) {
        found = evaluate(expr.expr, evaluation);
        memo.set(key, found);
      }
      return found;
    }
    case 'selector':
      return samplesOf(scrapeAt(scrapes, at), expr.metric, expr.matchers).map((s) => ({
        labels: identity(s).labels,
        value: s.value,
      }));
    case 'range': {
      const now = scrapeAt(scrapes, at);
      const then = scrapeAt(scrapes, at - expr.window * scale);
      const elapsed = now.at - then.at;
      if (elapsed <= 0) return [];
      const before = new Map(
        samplesOf(then, expr.metric, expr.matchers).map((s) => [identity(s).key, s.value]),
      );
      return samplesOf(now, expr.metric, expr.matchers).map((s) => {
        const { labels, key } = identity(s);
        const delta = s.value - (before.get(key) ?? 0);
        return { labels, value: expr.fn === 'rate' ? delta / elapsed : delta };
      });
    }
    case 'agg': {
      const groups = new Map<string, { labels: Record<string, string>; values: number[] }>();
      for (const element of evaluate(expr.expr, evaluation)) {
        const labels = clean(
          Object.fromEntries(expr.by.map((label) => [label, element.labels[label] ?? ''])),
        );
        const key = keyOf(labels);
        const group = groups.get(key) ?? { labels, values: [] };
        group.values.push(element.value);
        groups.set(key, group);
      }
      return [...groups.values()].map(({ labels, values }) => ({
        labels,
        value:
          expr.op === 'sum'
            ? values.reduce((a, b) => a + b, 0)
            : expr.op === 'max'
              ? Math.max(...values)
              : Math.min(...values),
      }));
    }
    case 'quantile':
      return quantile(expr.q, evaluate(expr.expr, evaluation));
    case 'binary': {
      const left = evaluate(expr.left, evaluation);
      const right = evaluate(expr.right, evaluation);
      const scalar = (side: Expr): number | undefined => (side.type === 'scalar' ? side.value : undefined);
      const rightScalar = scalar(expr.right);
      if (expr.op === 'and' || expr.op === 'or') {
        const keys = new Set(right.map((e) => keyOf(e.labels)));
        if (expr.op === 'and') return left.filter((e) => keys.has(keyOf(e.labels)));
        const leftKeys = new Set(left.map((e) => keyOf(e.labels)));
        return [...left, ...right.filter((e) => !leftKeys.has(keyOf(e.labels)))];
      }
      const isComparison = ['>', '<', '>=', '=='].includes(expr.op);
      if (rightScalar !== undefined) {
        return isComparison
          ? left.filter((e) => compare(expr.op, e.value, rightScalar))
          : left.map((e) => ({ labels: e.labels, value: arithmetic(expr.op, e.value, rightScalar) }));
      }
      const leftScalar = scalar(expr.left);
      if (leftScalar !== undefined && !isComparison) {
        return right.map((e) => ({ labels: e.labels, value: arithmetic(expr.op, leftScalar, e.value) }));
      }
      // Vector to vector: one-to-one on identical label sets, as PromQL's default matching.
      const byKey = new Map(right.map((e) => [keyOf(e.labels), e.value]));
      const out: Element[] = [];
      for (const e of left) {
        const other = byKey.get(keyOf(e.labels));
        if (other === undefined) continue;
        if (!isComparison) out.push({ labels: e.labels, value: arithmetic(expr.op, e.value, other) });
        else if (compare(expr.op, e.value, other)) out.push(e);
      }
      return out;
    }
  }
}

// ---------------------------------------------------------------------------------------
// The Prometheus text format, as the OpenTelemetry exporter writes it
// ---------------------------------------------------------------------------------------

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * Parses the Prometheus text exposition format into samples (comments skipped).
 * Hand-written, a dozen lines: the exporter's output is regular and no maintained
 * parser is among the repository's dependencies.
 */
export function parseExposition(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = LINE.exec(line);
    if (match === null) throw new TypeError(`Not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, name, raw] of (match[2] ?? '').matchAll(LABEL)) {
      labels[name as string] = (raw as string).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    const value =
      match[3] === '+Inf'
        ? Number.POSITIVE_INFINITY
        : match[3] === '-Inf'
          ? Number.NEGATIVE_INFINITY
          : Number(match[3]);
    out.push({ metric: match[1] as string, labels, value });
  }
  return out;
}
