import { cpus, totalmem } from 'node:os';
import { Bench } from 'tinybench';

/** Who a benchmark case stands for: Ballast, a peer library, or the bare limit. */
export type Role = 'ballast' | 'peer' | 'baseline';

/** One measured function. Async functions are awaited, so return the promise. */
export interface BenchCase {
  name: string;
  role: Role;
  fn: () => unknown;
}

/** A set of cases doing the same job, compared with each other. */
export interface BenchGroup {
  title: string;
  /** Optional one-line note printed under the table (what exactly is measured). */
  note?: string;
  /**
   * When one op does several units of work (50 concurrent decisions), adds a column with
   * the rate in those units: `{ count: 50, unit: 'decisions' }` → `decisions/s`.
   */
  perOp?: { count: number; unit: string };
  cases: BenchCase[];
  /**
   * Targets stated as a ratio of two of the cases (issue 22's table). Each is measured
   * again after the table, the two cases side by side in alternating order, and the median
   * is printed with the goal and whether it is met.
   */
  goals?: RatioGoal[];
  /** Runs before measuring (connect clients, fill caches). */
  setup?: () => Promise<void> | void;
  /** Runs after measuring (close clients). */
  teardown?: () => Promise<void> | void;
}

/** One suite: a file in `benchmarks/suites/` whose default export this is. */
export interface BenchSuite {
  /** Short id used on the command line and in docs/benchmarks.md markers, e.g. `'redact'`. */
  id: string;
  title: string;
  groups: () => Promise<BenchGroup[]> | BenchGroup[];
  /** Replaces the default `<time> ms per case` in the line under the title. */
  method?: string;
  /** Extra lines (non-throughput figures: memory, counts, absolute goals) appended to the report. */
  extra?: () => Promise<string[] | SuiteExtra> | string[] | SuiteExtra;
}

/** What a suite's `extra` may return: lines, and verdicts on goals it measured itself. */
export interface SuiteExtra {
  lines: string[];
  goals?: GoalResult[];
}

/** A target on the ratio of two cases of a group: `case` ops/s ÷ `vs` ops/s ≥ `atLeast`. */
export interface RatioGoal {
  /** The row in the goals summary, e.g. `'logger, default redaction vs pino with none'`. */
  label: string;
  /** Name of the measured case. */
  case: string;
  /** Name of the case it is compared with. */
  vs: string;
  atLeast: number;
}

/** The verdict on one goal, as the report and the goals summary show it. */
export interface GoalResult {
  label: string;
  /** The measured figure, formatted (`'1.12×'`, `'25.5 ms'`). */
  measured: string;
  /** The target, formatted (`'≥ 1.4×'`, `'≤ 80 ms'`). */
  goal: string;
  met: boolean;
  /** How the figure was taken (rounds, medians), shown after the verdict. */
  detail?: string | undefined;
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** One goal line of the report: the figure, the target, met or missed. */
export function renderGoal(result: GoalResult): string {
  const verdict = result.met ? 'met ✓' : 'missed ✗';
  return `- **Goal** (${result.label}): **${result.measured}**, goal ${result.goal}: ${verdict}${result.detail ? ` (${result.detail})` : ''}.`;
}

/** Rounds of the side-by-side measurement behind each ratio goal. */
const GOAL_ROUNDS = 3;

/**
 * Measures a ratio goal: its two cases side by side in one Bench, GOAL_ROUNDS times in
 * alternating order (so drift on a shared machine hits both alike), the median reported.
 */
export async function measureRatioGoal(
  group: BenchGroup,
  goal: RatioGoal,
  time: number,
): Promise<GoalResult> {
  const find = (name: string): BenchCase => {
    const found = group.cases.find((c) => c.name === name);
    if (!found)
      throw new Error(`Goal "${goal.label}" names the case "${name}", which group "${group.title}" lacks`);
    return found;
  };
  const subject = find(goal.case);
  const reference = find(goal.vs);
  const ratios: number[] = [];
  for (let round = 0; round < GOAL_ROUNDS; round++) {
    const cases = round % 2 === 0 ? [subject, reference] : [reference, subject];
    const results = await runGroup({ ...group, cases }, time);
    const hz = (c: BenchCase) => results.find((r) => r.name === c.name)!.hz;
    ratios.push(hz(subject) / hz(reference));
  }
  const ratio = median(ratios);
  return {
    label: goal.label,
    measured: `${ratio.toFixed(2)}×`,
    goal: `≥ ${Number.isInteger(goal.atLeast) ? goal.atLeast.toFixed(1) : goal.atLeast}×`,
    met: ratio >= goal.atLeast,
    detail: `${goal.case} vs ${goal.vs}, median of ${GOAL_ROUNDS} side-by-side runs: ${ratios.map((r) => `${r.toFixed(2)}×`).join(', ')}`,
  };
}

/** Declares a suite; the identity function exists for type inference. */
export function defineSuite(suite: BenchSuite): BenchSuite {
  return suite;
}

/** A measured case. */
export interface CaseResult {
  name: string;
  role: Role;
  hz: number;
  rme: number;
  samples: number;
}

/** Measures one group: every case in the same process, the same Bench, interleaved warm-up. */
export async function runGroup(group: BenchGroup, time: number): Promise<CaseResult[]> {
  await group.setup?.();
  try {
    const bench = new Bench({ time, warmupTime: Math.min(250, time / 2) });
    for (const c of group.cases) bench.add(c.name, c.fn);
    await bench.run();
    return group.cases.map((c, i) => {
      const task = bench.tasks[i]!;
      const result = task.result as unknown as {
        throughput?: { mean: number; rme?: number; moe?: number };
        latency?: { samples?: number[]; samplesCount?: number };
        hz?: number;
        rme?: number;
        samples?: number[];
        error?: unknown;
        state?: string;
      };
      if (result?.error) throw new Error(`Benchmark case "${c.name}" threw: ${String(result.error)}`);
      const hz = result?.throughput?.mean ?? result?.hz ?? 0;
      const tp = result?.throughput;
      const rme =
        tp?.rme ?? (tp?.moe !== undefined && tp.mean > 0 ? (tp.moe / tp.mean) * 100 : (result?.rme ?? 0));
      const samples =
        result?.latency?.samplesCount ?? result?.latency?.samples?.length ?? result?.samples?.length ?? 0;
      return { name: c.name, role: c.role, hz, rme, samples };
    });
  } finally {
    await group.teardown?.();
  }
}

function formatHz(hz: number): string {
  if (hz >= 1e6) return `${(hz / 1e6).toFixed(2)} M`;
  if (hz >= 1e3) return `${(hz / 1e3).toFixed(1)} k`;
  return hz.toFixed(1);
}

/**
 * Renders a group as a Markdown table: ops/s, ±rme, and each case's ratio to the
 * fastest peer (the number our goals are stated in); the baseline row shows the limit.
 */
export function renderGroup(group: BenchGroup, results: CaseResult[]): string {
  const peers = results.filter((r) => r.role === 'peer');
  const fastestPeer = peers.reduce<CaseResult | undefined>(
    (best, r) => (!best || r.hz > best.hz ? r : best),
    undefined,
  );
  const baseline = results.find((r) => r.role === 'baseline');
  const per = group.perOp;
  const lines = [
    `#### ${group.title}`,
    '',
    `| case | role | ops/s |${per ? ` ${per.unit}/s |` : ''} ± | vs fastest peer${baseline ? ' | vs limit' : ''} |`,
    `|---|---|---:|${per ? '---:|' : ''}---:|---:${baseline ? '|---:' : ''}|`,
  ];
  for (const r of results) {
    const vsPeer = fastestPeer ? `${(r.hz / fastestPeer.hz).toFixed(2)}×` : '–';
    const vsLimit = baseline ? ` | ${(r.hz / baseline.hz).toFixed(2)}×` : '';
    const units = per ? ` ${formatHz(r.hz * per.count)} |` : '';
    lines.push(
      `| ${r.name} | ${r.role} | ${formatHz(r.hz)} |${units} ${r.rme.toFixed(1)}% | ${vsPeer}${vsLimit} |`,
    );
  }
  if (group.note) lines.push('', group.note);
  return lines.join('\n');
}

/** The machine line under each section title: CPUs, memory, Node, platform, date. */
export function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}/${process.arch}, ${new Date().toISOString().slice(0, 10)}`;
}
