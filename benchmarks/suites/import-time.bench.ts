import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertBuilt, clockOf, emptyModule, measureImports, medians } from '../import-time.ts';
import { defineSuite, type GoalResult, median, renderGoal } from '../lib.ts';

// Start-up cost: `await import()` of each built package in fresh processes against its
// peers, and the cli-doctor example's `doctor` command from spawn to exit.
//   IMPORT_RUNS   runs per package and per CLI start (default 21)

interface Target {
  readonly specifier: string;
  readonly role: 'ballast' | 'peer' | 'baseline';
  /** The peers this Ballast package is compared with; the first carries the goal (≤ 1.0×). */
  readonly peers?: readonly string[];
}

const runs = Number(process.env.IMPORT_RUNS ?? 21);
/** Issue 22: each package at most as slow to import as its peer, core alone at most 8 ms. */
const PEER_GOAL = 1.0;
const CORE_GOAL_MS = 8;
/** Issue 22: cli-doctor `doctor`, from spawn to exit. */
const DOCTOR_GOAL_MS = 80;

const root = fileURLToPath(new URL('../../', import.meta.url));
const fmt = (ms: number) => ms.toFixed(2);

function importTable(): { lines: string[]; goals: GoalResult[] } {
  const empty = emptyModule();
  const targets: readonly Target[] = [
    // The fixed cost of importing any ES module file: the floor for every row.
    { specifier: empty.url, role: 'baseline' },
    // The peer dependency every package but redact loads at import time (through core).
    { specifier: '@opentelemetry/api', role: 'baseline' },
    { specifier: '@ballast/core', role: 'ballast' },
    { specifier: '@ballast/redact', role: 'ballast' },
    { specifier: '@ballast/errors', role: 'ballast' },
    { specifier: '@ballast/resilience', role: 'ballast', peers: ['cockatiel', 'opossum'] },
    { specifier: '@ballast/cache', role: 'ballast', peers: ['bentocache'] },
    { specifier: '@ballast/logger', role: 'ballast', peers: ['pino'] },
    { specifier: '@ballast/health', role: 'ballast' },
    { specifier: 'pino', role: 'peer' },
    { specifier: 'cockatiel', role: 'peer' },
    { specifier: 'opossum', role: 'peer' },
    { specifier: 'bentocache', role: 'peer' },
  ];
  const specifiers = targets.map((target) => target.specifier);
  assertBuilt(specifiers);
  let samples: ReturnType<typeof measureImports>;
  try {
    samples = measureImports(specifiers, runs);
  } finally {
    empty.remove();
  }
  const times = clockOf(samples, 'wall');
  const mid = medians(times);
  const cpu = medians(clockOf(samples, 'cpu'));
  const goals: GoalResult[] = [];
  const rows = targets.map((target) => {
    const values = times.get(target.specifier) ?? [];
    const own = mid.get(target.specifier) ?? 0;
    const versus = (target.peers ?? [])
      .map((peer) => `${(own / (mid.get(peer) ?? Number.NaN)).toFixed(2)}× ${peer}`)
      .join(', ');
    const label = target.specifier === empty.url ? 'an empty module file' : `\`${target.specifier}\``;
    return `| ${label} | ${target.role} | ${fmt(own)} | ${fmt(Math.min(...values))} | ${fmt(Math.max(...values))} | ${fmt(cpu.get(target.specifier) ?? 0)} | ${versus || '–'} |`;
  });
  for (const target of targets) {
    const peer = target.peers?.[0];
    if (!peer) continue;
    const ratio = (mid.get(target.specifier) ?? 0) / (mid.get(peer) ?? Number.NaN);
    goals.push({
      label: `import time, fresh process: ${target.specifier.replace('@ballast/', '')} vs ${peer}`,
      measured: `${ratio.toFixed(2)}×`,
      goal: `≤ ${PEER_GOAL.toFixed(1)}×`,
      met: ratio <= PEER_GOAL,
      detail: `medians ${fmt(mid.get(target.specifier) ?? 0)} ms vs ${fmt(mid.get(peer) ?? 0)} ms`,
    });
  }
  const core = mid.get('@ballast/core') ?? 0;
  goals.push({
    label: 'import time, fresh process: core alone',
    measured: `${core.toFixed(1)} ms`,
    goal: `≤ ${CORE_GOAL_MS} ms`,
    met: core <= CORE_GOAL_MS,
    detail: `CPU time ${fmt(cpu.get('@ballast/core') ?? 0)} ms; an empty module file takes ${fmt(mid.get(empty.url) ?? 0)} ms, \`@opentelemetry/api\` ${fmt(mid.get('@opentelemetry/api') ?? 0)} ms`,
  });
  return {
    lines: [
      "Time for `await import('<package>')` in a new Node process (ESM, built `dist`, file system cache warm), including every module the package loads at import time. Ballast packages load no Redis client at import time (`pnpm size:check` enforces it); every package but `@ballast/redact` loads its peer `@opentelemetry/api` through `@ballast/core` (compare its baseline row with `@ballast/core`'s). The CPU column is the user + system time the child spent on the import: on a busy machine the wall-clock figures include waiting for a core, the CPU figure much less, so it is the closer estimate of a quiet machine's wall time (the goals are judged on wall time; `pnpm bench:gate` holds CPU-time ratios). Regenerate with `pnpm bench:import-time`.",
      '',
      '| package | role | median (ms) | min (ms) | max (ms) | CPU, median (ms) | median vs peer (lower is faster) |',
      '|---|---|---:|---:|---:|---:|---|',
      ...rows,
      '',
      ...goals.map(renderGoal),
    ],
    goals,
  };
}

/** A CommonJS preload that writes the process's CPU time (ms) to file descriptor 3 at exit. */
const CPU_AT_EXIT =
  "process.on('exit', () => { const u = process.cpuUsage(); require('node:fs').writeSync(3, String((u.user + u.system) / 1000)); });\n";

interface Start {
  /** Spawn to exit, wall clock. */
  ms: number;
  /** CPU time (user + system) of the child, from its own start to its exit. */
  cpu: number;
  status: number | null;
  stderr: string;
}

/** Milliseconds from spawn to exit of `node <args>`, its CPU time and exit status. */
function startToExit(preload: string, args: string[], env: NodeJS.ProcessEnv): Start {
  const started = performance.now();
  const result = spawnSync(process.execPath, ['--require', preload, ...args], {
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  const ms = performance.now() - started;
  return { ms, cpu: Number(result.output[3]), status: result.status, stderr: result.stderr };
}

/**
 * The cli-doctor example's `courses doctor` from spawn to exit: its bundle (dist/cli.js,
 * built first) under plain `node`, healthy (a token set), against its in-process stub API,
 * with a fresh cache directory. Interleaved with a bare `node` start (an empty module), the
 * floor no CLI can go under.
 */
function doctorColdStart(): { lines: string[]; goals: GoalResult[] } {
  execFileSync('pnpm', ['--filter', 'cli-doctor', 'build'], { cwd: root, stdio: 'ignore' });
  const cli = join(root, 'examples/cli-doctor/dist/cli.js');
  const empty = emptyModule();
  const scratch = mkdtempSync(join(tmpdir(), 'ballast-doctor-'));
  const preload = join(scratch, 'cpu-at-exit.cjs');
  writeFileSync(preload, CPU_AT_EXIT);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    COURSES_API_TOKEN: 'bench',
    COURSES_CACHE_DIR: join(scratch, 'cache'),
  };
  delete env.COURSES_API_URL;
  delete env.NODE_OPTIONS;
  const doctor: Start[] = [];
  const bare: Start[] = [];
  try {
    for (let run = -1; run < runs; run++) {
      const pair = [
        () => startToExit(preload, [cli, 'doctor'], env),
        () => startToExit(preload, [fileURLToPath(empty.url)], env),
      ];
      if (run % 2 === 1) pair.reverse();
      const [a, b] = pair.map((start) => start());
      const doctorRun = run % 2 === 1 ? b! : a!;
      const bareRun = run % 2 === 1 ? a! : b!;
      if (doctorRun.status !== 0) {
        throw new Error(
          `courses doctor exited with ${doctorRun.status}, expected 0 (healthy):\n${doctorRun.stderr}`,
        );
      }
      if (run < 0) continue; // warm-up: file system cache, the disk cache directory
      doctor.push(doctorRun);
      bare.push(bareRun);
    }
  } finally {
    empty.remove();
    rmSync(scratch, { recursive: true, force: true });
  }
  const wall = (starts: Start[]) => starts.map((start) => start.ms);
  const cpu = (starts: Start[]) => median(starts.map((start) => start.cpu));
  const ms = median(wall(doctor));
  const goal: GoalResult = {
    label: 'cli-doctor `doctor`, cold start to exit',
    measured: `${ms.toFixed(0)} ms`,
    goal: `≤ ${DOCTOR_GOAL_MS} ms`,
    met: ms <= DOCTOR_GOAL_MS,
    detail: `median of ${runs}, CPU time ${cpu(doctor).toFixed(0)} ms; a bare \`node\` running an empty module takes ${median(wall(bare)).toFixed(0)} ms (CPU ${cpu(bare).toFixed(0)} ms)`,
  };
  const row = (name: string, starts: Start[]) =>
    `| ${name} | ${fmt(median(wall(starts)))} | ${fmt(Math.min(...wall(starts)))} | ${fmt(Math.max(...wall(starts)))} | ${fmt(cpu(starts))} |`;
  return {
    lines: [
      '#### cli-doctor: `courses doctor`, cold start to exit',
      '',
      "`node examples/cli-doctor/dist/cli.js doctor` (the example's bundled `bin`, built first) from spawn to exit, healthy (a token set) against its in-process stub API with a fresh cache directory, interleaved with a bare `node` running an empty module: the part of the figure no CLI code can remove. The CPU column is the child's user + system time up to its exit (a one-line `--require` preload reads it, in both rows): the closer estimate of a quiet machine's figure when other work shares the cores.",
      '',
      '| command | median (ms) | min (ms) | max (ms) | CPU, median (ms) |',
      '|---|---:|---:|---:|---:|',
      row('`courses doctor`', doctor),
      row('`node empty.mjs` (limit)', bare),
      '',
      renderGoal(goal),
    ],
    goals: [goal],
  };
}

export default defineSuite({
  id: 'import-time',
  title: 'Start-up cost: import time and CLI cold start',
  method: `median of ${runs} fresh processes per package (and per CLI start), runs interleaved. Other work shared the machine: the figures are indicative, the ratios more so than the milliseconds`,
  groups: () => [],
  extra: () => {
    const imports = importTable();
    const doctor = doctorColdStart();
    return { lines: [...imports.lines, '', ...doctor.lines], goals: [...imports.goals, ...doctor.goals] };
  },
});
