import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { bundle } from './build.js';

// Measures the resident memory (RSS) of the demo service, each time in a fresh child
// process: `pnpm start` exactly as deployed (dist/main.cjs under plain `node`, logs to
// stdout), read from outside; then the same bundle build with a probe inside, idle and
// at its peak during the demo scenario; and from source through tsx (development, loader
// included). Writes the figures to docs/benchmarks.md between the `bench:demo-memory`
// markers; `--no-write` only prints them.
//   pnpm --filter http-service measure:memory

interface Reading {
  idle: number;
  /** RSS of the deployed process after it has idled for SETTLED_MS (V8's memory reducer has run). */
  settled?: number;
  peak: number;
  heapUsed?: number;
  requests: number;
  durationMs: number;
  latencyMs?: { p50: number; p99: number };
}

const here = new URL('..', import.meta.url);
const child = fileURLToPath(new URL('scripts/memory-child.ts', here));
const cacheDir = fileURLToPath(new URL('node_modules/.cache/measure-memory/', here));
const probe = `${cacheDir}child.cjs`;
const main = `${cacheDir}main.cjs`;
const docPath = fileURLToPath(new URL('../../docs/benchmarks.md', here));
const IDLE_TARGET = 50 * 2 ** 20;
const PEAK_TARGET = 200 * 2 ** 20;
const SETTLED_MS = 15_000;

/**
 * Runs a probe in a fresh child process and reads the JSON line it prints last. A plain
 * spawn, not `fork`: an IPC channel would cost the child about 1 MB of RSS of its own.
 */
function measure(entry: string, execArgv: string[], extraEnv: Record<string, string> = {}): Promise<Reading> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, ...extraEnv };
    delete env.REDIS_URL; // the embedded defaults: what `pnpm demo` runs on a fresh clone
    const proc = spawn(process.execPath, ['--expose-gc', ...execArgv, entry], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    proc.on('error', reject);
    proc.on('exit', (code) => {
      const line = out.trimEnd().split('\n').pop() ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as Reading);
      else reject(new Error(`the measured child exited with ${code} before reporting`));
    });
  });
}

/** RSS of another process, as the OS reports it (VmRSS), in bytes. */
function rssOf(pid: number): number {
  const status = `/proc/${pid}/status`;
  if (existsSync(status)) {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(status, 'utf8'))?.[1];
    if (kb !== undefined) return Number(kb) * 1024;
  }
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) * 1024;
}

/**
 * `pnpm start` as deployed: plain `node` on the bundle, the env config (PORT, chaos on,
 * signal handling), JSON logs to stdout (a pipe, drained), no `--expose-gc` and no probe
 * inside. RSS 3 s after start and after SETTLED_MS, then SIGTERM and a clean exit.
 */
async function measureDeployed(entry: string): Promise<Reading> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0' };
  delete env.REDIS_URL;
  const proc = spawn(process.execPath, [entry], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout.resume();
  proc.stderr.resume();
  const exited = new Promise<number | null>((resolve) => proc.on('exit', resolve));
  await sleep(3_000);
  const idle = rssOf(proc.pid as number);
  await sleep(SETTLED_MS - 3_000);
  const settled = rssOf(proc.pid as number);
  proc.kill('SIGTERM');
  const code = await exited;
  if (code !== 0) throw new Error(`the deployed service exited with ${code} after SIGTERM`);
  return { idle, settled, peak: idle, requests: 0, durationMs: 0 };
}

mkdirSync(cacheDir, { recursive: true });
await bundle({ main: 'src/main.ts', child: 'scripts/memory-child.ts' }, cacheDir);

const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const verdict = (bytes: number, target: number): string => (bytes < target ? '✓' : '✗');
// The reference: an empty node:http server, measured the same way.
// (CommonJS, like the bundle: an ESM entry would start Node's ESM loader, ~1 MB more.)
const baseline = `${cacheDir}baseline.cjs`;
writeFileSync(
  baseline,
  `const { createServer } = require('node:http');
const server = createServer((req, res) => res.end('ok')).listen(0, '127.0.0.1');
setTimeout(() => {
  const idle = process.memoryUsage.rss();
  globalThis.gc?.();
  setTimeout(() => {
    const { heapUsed } = process.memoryUsage();
    server.close();
    console.log(JSON.stringify({ idle, peak: idle, heapUsed, requests: 0, durationMs: 0 }));
  }, 100);
}, 3000);
`,
);
const runs: Array<[string, Reading]> = [];
runs.push(['reference: an empty `node:http` server', await measure(baseline, [])]);
runs.push([
  '**`pnpm start` as deployed**: `node dist/main.cjs`, logs to stdout',
  await measureDeployed(main),
]);
runs.push([
  'the same bundle with the probe inside, nothing started',
  await measure(probe, [], { LOAD_ONLY: '1' }),
]);
runs.push(['the same bundle with the probe inside (`pnpm demo` runs this build)', await measure(probe, [])]);
runs.push([
  'from source via tsx (`pnpm dev`, `pnpm demo:source`)',
  await measure(child, ['--conditions=@ballast/source', '--import', 'tsx']),
]);

const cpu = cpus()[0]?.model ?? 'unknown CPU';
const machine = `${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}/${process.arch}, ${new Date().toISOString().slice(0, 10)}`;
const scenario = (r: Reading): string =>
  r.requests === 0
    ? '–'
    : `${r.requests} requests in ${(r.durationMs / 1000).toFixed(1)} s${
        r.latencyMs ? `, p50 ${r.latencyMs.p50.toFixed(1)} ms, p99 ${r.latencyMs.p99.toFixed(0)} ms` : ''
      }`;
const row = ([name, r]: [string, Reading]): string => {
  const reference = name.startsWith('reference') || name.includes('nothing started');
  const idle = reference ? mb(r.idle) : `${mb(r.idle)} ${verdict(r.idle, IDLE_TARGET)}`;
  const settled = r.settled === undefined ? '' : ` (${mb(r.settled)} after ${SETTLED_MS / 1000} s)`;
  const peak = r.requests === 0 ? '–' : `${mb(r.peak)} ${verdict(r.peak, PEAK_TARGET)}`;
  const heap = r.heapUsed === undefined ? '–' : mb(r.heapUsed);
  return `| ${name} | ${idle}${settled} | ${peak} | ${heap} | ${scenario(r)} |`;
};
const [reference, deployed, loaded, bundled] = runs.map(([, r]) => r) as Reading[];
const lines = [
  '### examples/http-service: resident memory of the demo service',
  '',
  `_${machine}; embedded defaults (no Redis); measured by \`pnpm --filter http-service measure:memory\`._`,
  '',
  '| how it runs | idle RSS (target < 50 MB) | peak RSS during the scenario (target < 200 MB) | heap used idle | scenario |',
  '|---|---:|---:|---:|---:|',
  ...runs.map(row),
  '',
  '`pnpm start` runs `node dist/main.cjs`, the bundle `pnpm --filter http-service build` writes',
  '(scripts/build.ts); its row is read from outside the process (VmRSS) 3 s after start, with',
  "the JSON logs going to a pipe, and again after 15 s idle (by then V8's memory reducer has",
  'released startup garbage). The other rows run a probe in a fresh process (no IPC channel,',
  'which would add about 1 MB): idle RSS 3 s after start, then the heap still used after a',
  'forced GC; the probe rows run the same build as `start` with the probe inside and the logs',
  'discarded, and their peak is the highest of samples taken every 50 ms during the demo',
  'scenario, which runs in the same process as the service, with the in-process upstream and',
  "the scenario's load generator (so the probe rows carry the scenario's code as well).",
  '',
  `Where the idle figure comes from: an empty \`node:http\` server already takes ${mb(reference?.idle ?? 0)}`,
  '(about 37 MB of it are pages of the `node` executable itself, shared and file-backed, the',
  "rest V8's heap and Node's own start-up); that is the floor no service code can go under.",
  `Loading the bundle adds ${mb((loaded?.idle ?? 0) - (reference?.idle ?? 0))} (of which about 1.2 MB is OpenSSL, which`,
  '`node:crypto` initialises: request ids and the cache use it), and the running service',
  `${mb(Math.max(0, (bundled?.idle ?? 0) - (loaded?.idle ?? 0)))} more (sockets, the event-loop histogram of the health check, caches).`,
  `The deployed process sits ${mb((deployed?.idle ?? 0) - (reference?.idle ?? 0))} above the empty server.`,
  '',
  'What got the deployed idle under 50 MB (each measured alone on this machine, 2026-11-24;',
  'before, `start` ran from source through tsx (over 100 MB), and the bundle, measured as the',
  "deployed row is, was ESM, fully minified, with the packages' `main` fields: 54.4 MB idle,",
  "51.5 MB after 15 s): CommonJS output instead of ESM (an ESM entry starts Node's ESM loader: −1 MB);",
  "the OpenTelemetry packages' tree-shakeable ESM builds instead of their CommonJS ones",
  "(−2.3 MB); the Prometheus exporter's two constants taken from the ESM build of",
  '`@opentelemetry/semantic-conventions` instead of a `require` of all of it (−2.4 MB); one copy',
  'of each OpenTelemetry package (−0.3 MB). Identifiers stay unminified (same RSS, readable stack',
  'traces). Node and V8 flags were measured too and are not used: `--max-semi-space-size=1`,',
  '`--v8-pool-size=1`, `--single-threaded-gc`, `MALLOC_ARENA_MAX=2` each moved idle RSS by less',
  'than 0.3 MB, within the noise; the scenario never comes near the 200 MB budget either, so',
  'nothing justifies trading throughput for them. The code that runs is the same, so',
  'throughput is too: 16 keep-alive clients as fast as they can on `/products/:id`, three',
  'alternating runs of 8 s on 2 shared (and busy) CPUs, got 1,728 to 4,069 requests/s from the',
  'new bundle and 1,409 to 3,545 from the old one, each new run at least level with the old run',
  'before it (new p50 3.5 to 3.9 ms); RSS stayed between 99 and 107 MB under that load. The tsx',
  'loader (development only) adds some 55 MB that a deployment does not carry.',
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
