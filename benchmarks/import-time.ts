// Start-up cost: the time `await import('<package>')` takes in a fresh Node process, for
// the built `dist` of a package (so `pnpm build` first) or for a peer library. Each run is
// a new child process, so nothing is cached in memory; runs are interleaved across
// packages (each round in the opposite order of the one before) so machine noise hits
// them alike, and the median is reported. Used by the `import-time` suite (`pnpm bench
// import-time`, `pnpm bench:import-time`) and by the CI gate (`pnpm bench:gate`).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median } from './lib.ts';

/** The folder import specifiers resolve from (benchmarks/, whose dependencies hold the peers). */
const cwd = fileURLToPath(new URL('.', import.meta.url));

/** One timed import: wall-clock and CPU milliseconds. */
export interface ImportSample {
  wall: number;
  cpu: number;
}

/**
 * Milliseconds from just before `import()` to its settlement, in a new process: wall time,
 * and the CPU time (user + system) the child spent on it, which waiting for a busy
 * machine's cores does not inflate (the gate's clock). With `degrade` > 1 the child then
 * spins until `degrade` times as much CPU time has passed inside the timed window: a
 * deliberate slowdown the gate's own test uses.
 */
export function importOnce(specifier: string, degrade = 1): ImportSample {
  const probe = [
    'const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };',
    'const w = performance.now(); const c = cpu();',
    `await import(${JSON.stringify(specifier)});`,
    degrade > 1 ? `const d = cpu() - c; while (cpu() - c < d * ${degrade});` : '',
    'process.stdout.write(JSON.stringify({ wall: performance.now() - w, cpu: cpu() - c }));',
  ].join('\n');
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', probe], { cwd, encoding: 'utf8' });
  return JSON.parse(out) as ImportSample;
}

/** A file URL of an empty ES module, and a function that removes it. */
export function emptyModule(): { url: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'ballast-import-'));
  const file = join(dir, 'empty.mjs');
  writeFileSync(file, 'export {};\n');
  return { url: pathToFileURL(file).href, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Fails with what to do when a Ballast package has no build: the import would otherwise
 * fail (or time the source through a loader) without saying why.
 */
export function assertBuilt(specifiers: readonly string[]): void {
  const require = createRequire(join(cwd, 'package.json'));
  for (const specifier of specifiers.filter((s) => s.startsWith('@ballast/'))) {
    const pkg = require.resolve(`${specifier}/package.json`);
    if (!existsSync(join(dirname(pkg), 'dist'))) {
      throw new Error(
        `${specifier} has no dist/: import times are taken from the build. Run \`pnpm build\` first.`,
      );
    }
  }
}

/**
 * Every run of every specifier, `runs` rounds interleaved (alternating order), after one
 * warm-up import each (file system cache). `degraded` maps a specifier to a slowdown factor.
 */
export function measureImports(
  specifiers: readonly string[],
  runs: number,
  degraded: ReadonlyMap<string, number> = new Map(),
): Map<string, ImportSample[]> {
  const times = new Map<string, ImportSample[]>(specifiers.map((specifier) => [specifier, []]));
  for (const specifier of specifiers) importOnce(specifier);
  for (let run = 0; run < runs; run += 1) {
    const order = run % 2 === 0 ? specifiers : [...specifiers].reverse();
    for (const specifier of order) times.get(specifier)?.push(importOnce(specifier, degraded.get(specifier)));
  }
  return times;
}

/** One clock's figures of every specifier. */
export function clockOf(
  times: ReadonlyMap<string, readonly ImportSample[]>,
  clock: keyof ImportSample,
): Map<string, number[]> {
  return new Map(
    [...times].map(([specifier, samples]) => [specifier, samples.map((sample) => sample[clock])]),
  );
}

/** The median of each specifier's runs. */
export function medians(times: ReadonlyMap<string, readonly number[]>): Map<string, number> {
  return new Map([...times].map(([specifier, values]) => [specifier, median(values)]));
}
