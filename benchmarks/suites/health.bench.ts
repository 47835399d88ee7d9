/**
 * Requests/s of a readiness probe with background-polled checks, served by a child process
 * and driven over loopback by autocannon from this (the runner's) process. Not a tinybench
 * group: the figures land in the suite's `extra` lines as a Markdown table.
 *
 * Run as a target server: `HEALTH_BENCH_TARGET=ballast node --import tsx suites/health.bench.ts`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { statfs } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createHealth, healthHandler } from '@ballast/health';
import { createTerminus, HealthCheckError } from '@godaddy/terminus';
import autocannon from 'autocannon';
import { createLightship } from 'lightship';
import { defineSuite, type Role } from '../lib.ts';

type TargetId = 'bare' | 'ballast' | 'terminus' | 'lightship';

interface Target {
  id: TargetId;
  name: string;
  role: Role;
  path: string;
}

const TARGETS: readonly Target[] = [
  { id: 'bare', name: 'bare node:http, constant JSON (limit)', role: 'baseline', path: '/health/ready' },
  { id: 'ballast', name: '@ballast/health healthHandler', role: 'ballast', path: '/health/ready' },
  { id: 'terminus', name: '@godaddy/terminus', role: 'peer', path: '/health/ready' },
  { id: 'lightship', name: 'lightship', role: 'peer', path: '/ready' },
];

const POLL_MS = 1_000;
const DURATION_S = Number(process.env.HEALTH_BENCH_SECONDS ?? 3);
const CONNECTIONS = 16;
const ROUNDS = 3;

// The same three checks for every library: a dependency ping, a memory reading, a disk reading.
const checks = {
  ping: async (): Promise<boolean> => true,
  memory: (): boolean => process.memoryUsage().heapUsed < 2 ** 40,
  disk: async (): Promise<boolean> => (await statfs('/')).bavail > 0,
};
async function allPass(): Promise<boolean> {
  const results = await Promise.all([checks.ping(), checks.memory(), checks.disk()]);
  return results.every(Boolean);
}

async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** Starts one target in this process and prints `port <n>` once it serves. */
async function serveTarget(id: TargetId): Promise<void> {
  let port: number;
  if (id === 'bare') {
    const body = '{"status":"pass"}';
    const server = createServer((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'cache-control': 'no-store',
        'content-length': body.length,
      });
      res.end(body);
    });
    port = await listen(server);
  } else if (id === 'ballast') {
    const health = createHealth({
      checks: [
        { name: 'db', interval: POLL_MS, run: checks.ping },
        { name: 'memory', interval: POLL_MS, run: checks.memory },
        { name: 'disk', interval: POLL_MS, run: checks.disk },
      ],
    });
    port = await listen(createServer(healthHandler(health)));
  } else if (id === 'terminus') {
    // terminus has no background polling: its readiness function runs the checks per request.
    const server = createServer((_req, res) => {
      res.writeHead(404);
      res.end();
    });
    createTerminus(server, {
      healthChecks: {
        '/health/ready': async () => {
          if (!(await allPass())) throw new HealthCheckError('not ready', []);
          return {};
        },
      },
    });
    port = await listen(server);
  } else {
    const lightship = await createLightship({ detectKubernetes: false, port: 0 });
    const poll = async (): Promise<void> => {
      if (await allPass()) lightship.signalReady();
      else lightship.signalNotReady();
    };
    await poll();
    setInterval(poll, POLL_MS);
    port = (lightship.server.address() as AddressInfo).port;
  }
  console.log(`port ${port}`);
}

const targetId = process.env.HEALTH_BENCH_TARGET as TargetId | undefined;
if (targetId !== undefined) await serveTarget(targetId);

interface Measured {
  target: Target;
  rps: number;
  p99: number;
  non2xx: number;
}

async function startChild(target: Target): Promise<{ child: ChildProcess; port: number }> {
  const here = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, ['--import', 'tsx', here], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...process.env, HEALTH_BENCH_TARGET: target.id },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    if (line.startsWith('port ')) return { child, port: Number(line.slice(5)) };
  }
  throw new Error(`benchmark target ${target.id} exited before listening`);
}

async function drive(url: string, seconds: number): Promise<autocannon.Result> {
  return autocannon({ url, connections: CONNECTIONS, duration: seconds, pipelining: 1 });
}

async function measure(target: Target): Promise<Measured> {
  const { child, port } = await startChild(target);
  try {
    const url = `http://127.0.0.1:${port}${target.path}`;
    await drive(url, 1); // warm-up, discarded
    const result = await drive(url, DURATION_S);
    return { target, rps: result.requests.average, p99: result.latency.p99, non2xx: result.non2xx };
  } finally {
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }
}

function format(rps: number): string {
  return rps >= 1000 ? `${(rps / 1000).toFixed(1)} k` : rps.toFixed(0);
}

export default defineSuite({
  id: 'health',
  title: '@ballast/health probes over HTTP',
  groups: () => [],
  async extra() {
    const best = new Map<TargetId, Measured>();
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? TARGETS : [...TARGETS].reverse();
      for (const target of order) {
        const run = await measure(target);
        if (run.non2xx > 0) throw new Error(`${target.name} answered ${run.non2xx} non-2xx responses`);
        const previous = best.get(target.id);
        if (previous === undefined || run.rps > previous.rps) best.set(target.id, run);
      }
    }
    const rows = TARGETS.map((target) => best.get(target.id)!);
    const limit = rows.find((row) => row.target.role === 'baseline')!.rps;
    const fastestPeer = Math.max(...rows.filter((row) => row.target.role === 'peer').map((row) => row.rps));
    return [
      '#### readiness probe, requests/s over loopback',
      '',
      '| server | role | req/s | p99 latency | vs fastest peer | vs limit |',
      '|---|---|---:|---:|---:|---:|',
      ...rows.map(
        (row) =>
          `| ${row.target.name} | ${row.target.role} | ${format(row.rps)} | ${row.p99} ms | ${(row.rps / fastestPeer).toFixed(2)}× | ${(row.rps / limit).toFixed(2)}× |`,
      ),
      '',
      `Each server runs in its own child process; autocannon drives it from the runner process (${CONNECTIONS} connections, ` +
        `${DURATION_S} s after a 1 s warm-up, best of ${ROUNDS} rounds in alternating order). Every server checks the same ` +
        `three things (a dependency ping, heap usage, free disk via statfs): Ballast and lightship poll them every ${POLL_MS} ms ` +
        'in the background and answer from the last result; terminus runs them on each request, as it is designed to. ' +
        'Ballast answers with `application/health+json` (details hidden), lightship with a plain-text state.',
    ];
  },
});
