// Start-up cost: the time `await import('<package>')` takes in a fresh Node process, for
// every Ballast package (its built `dist`, so `pnpm build` first; `pnpm bench:import-time`
// does) and for the libraries users compare them with. Each run is a new child process, so
// nothing is cached in memory; runs are interleaved across packages so machine noise hits
// them alike, and the median is reported. Writes its section of docs/benchmarks.md.
//   IMPORT_RUNS      runs per package (default 21)
//   IMPORT_WRITE=0   print only, leave docs/benchmarks.md alone
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** An empty ES module on disk, imported by its file URL. */
const EMPTY = pathToFileURL(join(mkdtempSync(join(tmpdir(), 'ballast-import-')), 'empty.mjs')).href;
writeFileSync(fileURLToPath(EMPTY), 'export {};\n');

interface Target {
  readonly specifier: string;
  readonly role: 'ballast' | 'peer' | 'baseline';
  /** The peers this Ballast package is compared with. */
  readonly peers?: readonly string[];
}

const targets: readonly Target[] = [
  // The fixed cost of importing any ES module file: the floor for every row.
  { specifier: EMPTY, role: 'baseline' },
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

const runs = Number(process.env.IMPORT_RUNS ?? 21);
const cwd = fileURLToPath(new URL('.', import.meta.url));

/** Milliseconds from just before `import()` to its settlement, in a new process. */
function importOnce(specifier: string): number {
  const probe = `const t = performance.now(); await import(${JSON.stringify(specifier)}); process.stdout.write(String(performance.now() - t));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', probe], { cwd, encoding: 'utf8' });
  return Number(out);
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

const times = new Map<string, number[]>(targets.map((target) => [target.specifier, []]));
for (const target of targets) importOnce(target.specifier); // warm the file system cache
for (let run = 0; run < runs; run += 1) {
  for (const target of targets) times.get(target.specifier)?.push(importOnce(target.specifier));
}

rmSync(dirname(fileURLToPath(EMPTY)), { recursive: true, force: true });

const medians = new Map([...times].map(([specifier, values]) => [specifier, median(values)]));
const fmt = (ms: number) => ms.toFixed(2);
const rows = targets.map((target) => {
  const values = times.get(target.specifier) ?? [];
  const own = medians.get(target.specifier) ?? 0;
  const versus = (target.peers ?? [])
    .map((peer) => `${(own / (medians.get(peer) ?? Number.NaN)).toFixed(2)}× ${peer}`)
    .join(', ');
  const label = target.specifier === EMPTY ? 'an empty module file' : `\`${target.specifier}\``;
  return `| ${label} | ${target.role} | ${fmt(own)} | ${fmt(Math.min(...values))} | ${fmt(Math.max(...values))} | ${versus || '–'} |`;
});
const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}/${process.arch}, ${new Date().toISOString().slice(0, 10)}`;
const section = `<!-- bench:import-time:start -->
### Import time (start-up cost)

_${machine}; median of ${runs} fresh processes per package, runs interleaved. Other work shared the machine: the figures are indicative, the ratios more so than the milliseconds._

Time for \`await import('<package>')\` in a new Node process (ESM, built \`dist\`, file system cache warm), including every module the package loads at import time. Ballast packages load no Redis client at import time (\`pnpm size:check\` enforces it); every package but \`@ballast/redact\` loads its peer \`@opentelemetry/api\` through \`@ballast/core\`, and that import is most of \`@ballast/core\`'s figure (compare its baseline row with \`@ballast/core\`'s). Regenerate with \`pnpm bench:import-time\`.

| package | role | median (ms) | min (ms) | max (ms) | median vs peer (lower is faster) |
|---|---|---:|---:|---:|---|
${rows.join('\n')}
<!-- bench:import-time:end -->`;

console.log(section);
if (process.env.IMPORT_WRITE !== '0') {
  const docPath = new URL('../docs/benchmarks.md', import.meta.url);
  const doc = readFileSync(docPath, 'utf8');
  const pattern = /<!-- bench:import-time:start -->[\s\S]*?<!-- bench:import-time:end -->/;
  writeFileSync(
    docPath,
    pattern.test(doc) ? doc.replace(pattern, section) : `${doc.trimEnd()}\n\n${section}\n`,
  );
  console.log('\nimport-time: written to docs/benchmarks.md');
}
