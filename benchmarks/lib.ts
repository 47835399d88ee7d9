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
  /** Extra lines (non-throughput figures: memory, counts) appended to the report. */
  extra?: () => Promise<string[]> | string[];
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
