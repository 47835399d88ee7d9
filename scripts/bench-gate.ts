// The benchmark gate CI runs after the build (`pnpm bench:gate`): a short run of the key
// ratios — the logger against pino, the resilience pipeline against cockatiel, an L1 hit
// against lru-cache, redaction against fast-redact, serializeError against pino's, and the
// import time of packages against their peers' — each the median of several rounds in
// which Ballast and the peer run in alternating order, held to the bound recorded in
// etc/bench-floors.json with headroom (20 % below the recorded ratio; 25 % above it for an
// import time). Ratios, not absolute figures, so a slower machine moves both sides alike;
// and each side is timed in CPU time of its process, not wall time, so the time spent
// waiting for a core on a busy machine counts for neither. A ratio past its bound fails
// with every figure printed.
//
//   pnpm bench:gate                          check every ratio (imports need `pnpm build`)
//   pnpm bench:gate --only id,id             only these ratios
//   pnpm bench:gate --update [--only id]     measure and record new bounds (recorded × 0.8)
//   --rounds N (15)  --ms N (60 ms of CPU a slice)  --import-rounds N (11)  --floors file
//   --degrade F | id=F,…  (or BENCH_GATE_DEGRADE)  make the Ballast side do its work F
//                         times per operation (imports: take F times as long): the gate's
//                         own test uses it to prove that a degraded ratio fails.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  charactersWritten,
  EMPTY_MODULE,
  type ImportMetric,
  measureSpeed,
  metrics,
  type SpeedMetric,
} from '../benchmarks/gate-metrics.ts';
import { assertBuilt, clockOf, emptyModule, measureImports } from '../benchmarks/import-time.ts';
import {
  decide,
  degradeOf,
  type FloorsFile,
  type GateOptions,
  type Measurement,
  median,
  parseArgs,
  recordEntry,
  renderVerdicts,
} from './bench-gate-lib.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const started = performance.now();

let options: GateOptions;
try {
  options = parseArgs(process.argv.slice(2), process.env);
} catch (error) {
  console.error(`bench:gate: ${(error as Error).message}`);
  process.exit(2);
}
const unknown = options.only.filter((id) => !metrics.some((metric) => metric.id === id));
if (unknown.length > 0) {
  console.error(
    `bench:gate: unknown ratio ${unknown.join(', ')}; known: ${metrics.map((m) => m.id).join(', ')}`,
  );
  process.exit(2);
}
const selected = metrics.filter((metric) => options.only.length === 0 || options.only.includes(metric.id));
const floorsPath = resolve(root, options.floors);
const floors = JSON.parse(readFileSync(floorsPath, 'utf8')) as FloorsFile;

const major = (version: string | undefined) => version?.split('.')[0];
if (floors.node !== undefined && major(floors.node) !== major(process.version)) {
  console.log(
    `bench:gate: note: the bounds were recorded on Node ${floors.node} and this is ${process.version}; ratios move with V8, so a failure may mean the bounds need recording on this version.`,
  );
}

const speed = selected.filter((metric): metric is SpeedMetric => metric.kind === 'speed');
const imports = selected.filter((metric): metric is ImportMetric => metric.kind === 'import');
console.log(
  `bench:gate: ${speed.length} speed ratio(s), ${options.rounds} alternating rounds of ${options.ms} ms a side; ` +
    `${imports.length} import ratio(s), ${options.importRounds} rounds of fresh processes${options.degrade.size > 0 ? `; DEGRADED on purpose: ${[...options.degrade].map(([id, f]) => `${id}×${f}`).join(', ')}` : ''}`,
);

const measurements: Measurement[] = [];
for (const metric of speed) {
  const rounds = await measureSpeed(metric, options.rounds, options.ms, degradeOf(options, metric.id));
  measurements.push({ id: metric.id, direction: 'higher', rounds, median: median(rounds) });
  console.log(`  ${metric.id}: ${median(rounds).toFixed(3)}× (${metric.title})`);
}
if (imports.length > 0) {
  const empty = emptyModule();
  const spec = (name: string) => (name === EMPTY_MODULE ? empty.url : name);
  try {
    const specifiers = [...new Set(imports.flatMap((m) => [spec(m.ballast), spec(m.peer)]))];
    assertBuilt(specifiers);
    const degraded = new Map(imports.map((m) => [m.ballast, degradeOf(options, m.id)]));
    const times = clockOf(measureImports(specifiers, options.importRounds, degraded), 'cpu');
    for (const metric of imports) {
      const ours = times.get(spec(metric.ballast))!;
      const theirs = times.get(spec(metric.peer))!;
      const rounds = ours.map((ms, i) => ms / theirs[i]!);
      measurements.push({ id: metric.id, direction: 'lower', rounds, median: median(rounds) });
      console.log(
        `  ${metric.id}: ${median(rounds).toFixed(3)}× (${metric.title}; medians ${median(ours).toFixed(1)} vs ${median(theirs).toFixed(1)} ms)`,
      );
    }
  } finally {
    empty.remove();
  }
}
const seconds = ((performance.now() - started) / 1000).toFixed(1);

if (options.update) {
  for (const measurement of measurements) {
    floors.metrics[measurement.id] = recordEntry(
      measurement,
      floors.headroom,
      floors.metrics[measurement.id]?.headroom,
    );
  }
  const ordered = Object.fromEntries(
    [...metrics.map((m) => m.id), ...Object.keys(floors.metrics)]
      .filter((id, i, all) => all.indexOf(id) === i && floors.metrics[id] !== undefined)
      .map((id) => [id, floors.metrics[id]!]),
  );
  writeFileSync(
    floorsPath,
    `${JSON.stringify({ ...floors, node: process.version, metrics: ordered }, null, 2)}\n`,
  );
  console.log(`\n${renderVerdicts(measurements.map((m) => decide(m, floors.metrics[m.id])))}`);
  console.log(`\nbench:gate: recorded ${measurements.length} bound(s) in ${options.floors} (${seconds} s).`);
  process.exit(0);
}

const verdicts = measurements.map((m) => decide(m, floors.metrics[m.id]));
console.log(`\n${renderVerdicts(verdicts)}`);
const failed = verdicts.filter((v) => !v.pass);
// Read the sink's count so the loggers' output is not dead code.
if (charactersWritten() < 0) process.exit(3);
if (failed.length > 0) {
  console.error(`\nbench:gate: ${failed.length} of ${verdicts.length} ratio(s) failed (${seconds} s):`);
  for (const v of failed) console.error(`  - ${v.measurement.id}: ${v.reason}`);
  console.error(
    '\nEach ratio is Ballast against its peer, the median of alternating rounds: a ' +
      'failure means Ballast got slower relative to the peer. If the loss is a deliberate trade-off, ' +
      'record new bounds with `pnpm bench:gate --update --only <id>` and say why in the commit.',
  );
  process.exit(1);
}
console.log(`\nbench:gate: ${verdicts.length} ratio(s) within their bounds (${seconds} s).`);
