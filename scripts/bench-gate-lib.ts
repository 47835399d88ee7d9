// The decisions of the benchmark gate (`pnpm bench:gate`, scripts/bench-gate.ts), apart
// from any measuring so that they can be tested on their own: the median of the rounds,
// the verdict against a recorded bound, new bounds from a run, the command line.

/** Whether a bigger ratio is better (speed: Ballast ops/s ÷ peer ops/s) or worse (time). */
export type Direction = 'higher' | 'lower';

/** The recorded bound of one ratio in etc/bench-floors.json. */
export interface FloorEntry {
  /** Higher-is-better ratios: the median must stay at or above this. */
  floor?: number;
  /** Lower-is-better ratios (import time vs a peer): the median must stay at or below this. */
  ceiling?: number;
  /** The median the bound was derived from (`--update`). */
  recorded: number;
  /** This ratio's own headroom, for one that is noisier than the rest (kept by `--update`). */
  headroom?: number;
}

/** The whole floors file. */
export interface FloorsFile {
  $comment?: string;
  /** Share of the recorded ratio left as headroom: floor = recorded × (1 − headroom). */
  headroom: number;
  /** The Node.js version the bounds were recorded with (`process.version`). */
  node?: string;
  metrics: Record<string, FloorEntry>;
}

/** One ratio as measured: every round's ratio and their median. */
export interface Measurement {
  id: string;
  direction: Direction;
  rounds: number[];
  median: number;
}

/** The gate's verdict on one measurement. */
export interface Verdict {
  measurement: Measurement;
  /** The bound it was held to; undefined when none is recorded. */
  bound?: number | undefined;
  pass: boolean;
  /** Why it failed, in words. */
  reason?: string | undefined;
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Holds a measurement to its recorded bound. A ratio with no bound fails: record one. */
export function decide(measurement: Measurement, entry: FloorEntry | undefined): Verdict {
  const bound = measurement.direction === 'higher' ? entry?.floor : entry?.ceiling;
  if (bound === undefined || !Number.isFinite(measurement.median)) {
    return {
      measurement,
      bound,
      pass: false,
      reason:
        bound === undefined
          ? `no ${measurement.direction === 'higher' ? 'floor' : 'ceiling'} recorded for "${measurement.id}" in etc/bench-floors.json (run \`pnpm bench:gate --update --only ${measurement.id}\`)`
          : `the ratio could not be measured (${measurement.median})`,
    };
  }
  const pass = measurement.direction === 'higher' ? measurement.median >= bound : measurement.median <= bound;
  return {
    measurement,
    bound,
    pass,
    reason: pass
      ? undefined
      : `${measurement.median.toFixed(3)}× is ${measurement.direction === 'higher' ? 'below the floor' : 'above the ceiling'} of ${bound}×`,
  };
}

/** Rounds a bound to 3 decimals, towards the lenient side. */
const lenient = (value: number, direction: Direction) =>
  direction === 'higher' ? Math.floor(value * 1000) / 1000 : Math.ceil(value * 1000) / 1000;

/**
 * The bound a measurement records: `headroom` (0.2 = 20 %) below its median for a
 * higher-is-better ratio, the same share above it (median ÷ (1 − headroom)) for a time;
 * `own`, a ratio's own headroom, replaces the file's and is kept in the entry.
 */
export function recordEntry(measurement: Measurement, headroom: number, own?: number): FloorEntry {
  const share = own ?? headroom;
  if (!(share >= 0 && share < 1)) throw new Error(`headroom must be in [0, 1), got ${share}`);
  const recorded = Math.round(measurement.median * 1000) / 1000;
  const entry: FloorEntry =
    measurement.direction === 'higher'
      ? { floor: lenient(measurement.median * (1 - share), 'higher'), recorded }
      : { ceiling: lenient(measurement.median / (1 - share), 'lower'), recorded };
  if (own !== undefined) entry.headroom = own;
  return entry;
}

/** The gate's command line. */
export interface GateOptions {
  /** Write new bounds from this run instead of checking. */
  update: boolean;
  /** Only these ratios (ids); empty: all. */
  only: string[];
  /** Alternating rounds per ratio. */
  rounds: number;
  /** Milliseconds per slice (one case, one round) of a speed ratio. */
  ms: number;
  /** Import rounds (fresh processes per package). */
  importRounds: number;
  /** Slowdown factor per ratio id (`*` for all) injected into the Ballast side. */
  degrade: Map<string, number>;
  /** The floors file. */
  floors: string;
}

function positiveInteger(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive integer, got "${value}"`);
  return n;
}

/**
 * Parses `id=factor,…` or a bare `factor` (every ratio) into a map; a factor is a number
 * ≥ 1 (3 makes the Ballast side do its work three times per operation).
 */
export function parseDegrade(spec: string): Map<string, number> {
  const map = new Map<string, number>();
  for (const part of spec.split(',').filter(Boolean)) {
    const [id, factor] = part.includes('=') ? part.split('=', 2) : ['*', part];
    const n = Number(factor);
    if (!id || !(n >= 1)) throw new Error(`--degrade takes factor or id=factor (factor ≥ 1), got "${part}"`);
    map.set(id, n);
  }
  return map;
}

/** Parses the arguments of `pnpm bench:gate`; BENCH_GATE_DEGRADE is read as `--degrade`. */
export function parseArgs(
  argv: readonly string[],
  env: Record<string, string | undefined> = {},
): GateOptions {
  const options: GateOptions = {
    update: false,
    only: [],
    rounds: 15,
    ms: 60,
    importRounds: 11,
    degrade: parseDegrade(env.BENCH_GATE_DEGRADE ?? ''),
    floors: 'etc/bench-floors.json',
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--update') options.update = true;
    else if (arg === '--only') options.only.push(...value().split(',').filter(Boolean));
    else if (arg === '--rounds') options.rounds = positiveInteger(arg, value());
    else if (arg === '--ms') options.ms = positiveInteger(arg, value());
    else if (arg === '--import-rounds') options.importRounds = positiveInteger(arg, value());
    else if (arg === '--degrade') options.degrade = parseDegrade(value());
    else if (arg === '--floors') options.floors = value();
    else throw new Error(`unknown argument "${arg}" (see the header of scripts/bench-gate.ts)`);
  }
  return options;
}

/** The slowdown factor for one ratio: its own, else the one for all (`*`), else 1. */
export function degradeOf(options: Pick<GateOptions, 'degrade'>, id: string): number {
  return options.degrade.get(id) ?? options.degrade.get('*') ?? 1;
}

/** The verdicts as a plain-text table: ratio, rounds, median, bound, verdict. */
export function renderVerdicts(verdicts: readonly Verdict[]): string {
  const rows = verdicts.map((v) => {
    const m = v.measurement;
    const bound =
      v.bound === undefined ? '–' : `${m.direction === 'higher' ? '≥' : '≤'} ${v.bound.toFixed(3)}×`;
    return [
      m.id,
      m.rounds.map((r) => r.toFixed(2)).join(' '),
      `${m.median.toFixed(3)}×`,
      bound,
      v.pass ? 'ok' : 'FAIL',
    ];
  });
  const header = ['ratio', 'rounds', 'median', 'bound', 'verdict'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
