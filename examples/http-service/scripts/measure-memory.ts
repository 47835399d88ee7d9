import { fork } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

// Measures the resident memory (RSS) of the demo service, idle and at its peak during the
// demo scenario, each in a fresh child process, two ways: bundled and run by plain
// `node` (as a deployment runs it), and from source through tsx (as `pnpm demo` runs
// it, loader included). Writes the figures to docs/benchmarks.md between the
// `bench:demo-memory` markers; `--no-write` only prints them.
//   pnpm --filter http-service measure:memory

interface Reading {
  idle: number;
  peak: number;
  heapUsed: number;
  requests: number;
  durationMs: number;
}

const here = new URL('..', import.meta.url);
const child = fileURLToPath(new URL('scripts/memory-child.ts', here));
const bundle = fileURLToPath(new URL('node_modules/.cache/measure-memory/child.mjs', here));
const docPath = fileURLToPath(new URL('../../docs/benchmarks.md', here));
const IDLE_TARGET = 50 * 2 ** 20;
const PEAK_TARGET = 200 * 2 ** 20;

function measure(entry: string, execArgv: string[], extraEnv: Record<string, string> = {}): Promise<Reading> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, ...extraEnv };
    delete env.REDIS_URL; // the embedded defaults: what `pnpm demo` runs on a fresh clone
    const proc = fork(entry, { execArgv: ['--expose-gc', ...execArgv], env, stdio: 'inherit' });
    let reading: Reading | undefined;
    proc.on('message', (message) => {
      reading = message as Reading;
    });
    proc.on('error', reject);
    proc.on('exit', (code) =>
      reading
        ? resolve(reading)
        : reject(new Error(`the measured child exited with ${code} before reporting`)),
    );
  });
}

mkdirSync(new URL('node_modules/.cache/measure-memory/', here), { recursive: true });
await build({
  entryPoints: [child],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  tsconfig: fileURLToPath(new URL('tsconfig.json', here)),
  external: ['ioredis'],
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
  minify: true,
  logLevel: 'error',
});

const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const verdict = (bytes: number, target: number): string => (bytes < target ? '✓' : '✗');
// The reference: an empty node:http server, measured the same way.
const baseline = fileURLToPath(new URL('node_modules/.cache/measure-memory/baseline.mjs', here));
writeFileSync(
  baseline,
  `import { createServer } from 'node:http';
const server = createServer((req, res) => res.end('ok')).listen(0, '127.0.0.1');
await new Promise((resolve) => setTimeout(resolve, 3000));
globalThis.gc?.();
await new Promise((resolve) => setTimeout(resolve, 100));
const { rss, heapUsed } = process.memoryUsage();
server.close();
process.send({ idle: rss, peak: rss, heapUsed, requests: 0, durationMs: 0 });
process.disconnect();
`,
);
const runs: Array<[string, Reading]> = [];
runs.push(['reference: an empty `node:http` server', await measure(baseline, [])]);
runs.push(['reference: the bundle loaded, nothing started', await measure(bundle, [], { LOAD_ONLY: '1' })]);
runs.push(['bundled (esbuild), plain `node`', await measure(bundle, [])]);
runs.push(['from source via tsx (`pnpm demo`)', await measure(child, ['--import', 'tsx'])]);

const cpu = cpus()[0]?.model ?? 'unknown CPU';
const machine = `${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}/${process.arch}, ${new Date().toISOString().slice(0, 10)}`;
const lines = [
  '### examples/http-service: resident memory of the demo service',
  '',
  `_${machine}; embedded defaults (no Redis), logs discarded; measured by \`pnpm --filter http-service measure:memory\`._`,
  '',
  '| how it runs | idle RSS (target < 50 MB) | peak RSS during the scenario (target < 200 MB) | heap used idle | scenario |',
  '|---|---:|---:|---:|---:|',
  ...runs.map(([name, r]) =>
    r.requests === 0
      ? `| ${name} | ${mb(r.idle)} | – | ${mb(r.heapUsed)} | – |`
      : `| ${name} | ${mb(r.idle)} ${verdict(r.idle, IDLE_TARGET)} | ${mb(r.peak)} ${verdict(r.peak, PEAK_TARGET)} | ${mb(r.heapUsed)} | ${r.requests} requests in ${(r.durationMs / 1000).toFixed(1)} s |`,
  ),
  '',
  'Idle is read 3 s after start, after one forced GC (startup garbage that a GC would collect',
  'anyway); the peak is the highest of samples taken every 50 ms while the scenario runs. The',
  "service shares its process with the in-process upstream and the scenario's load generator.",
  'The two reference rows show where the idle figure comes from: an empty `node:http` server',
  'already takes most of the 50 MB budget, and loading the bundle (about 0.5 MB of minified',
  'JavaScript: the Ballast packages, the OpenTelemetry SDK and the example) adds about 10 MB',
  'before anything starts; the running service itself adds about 1 MB more. The tsx loader',
  '(`pnpm demo` runs from source) adds some 50 MB that a deployment does not carry.',
];
const body = lines.join('\n');
console.log(body);

if (!process.argv.includes('--no-write')) {
  const start = '<!-- bench:demo-memory:start -->';
  const end = '<!-- bench:demo-memory:end -->';
  const doc = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '# Benchmarks\n';
  const block = `${start}\n${body}\n${end}`;
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  const next =
    from >= 0 && to > from
      ? doc.slice(0, from) + block + doc.slice(to + end.length)
      : `${doc.trimEnd()}\n\n${block}\n`;
  writeFileSync(docPath, next);
  console.log(`\nWrote the demo-memory section of ${docPath}`);
}
