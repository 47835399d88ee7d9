import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { defineSuite, type GoalResult, median, renderGoal } from '../lib.ts';

// Memory beside the speed figures: the heap 100,000 cache entries keep (Ballast against
// lru-cache, bentocache and a bare Map, each alone in fresh processes), and the demo
// service's RSS idle and under the demo's load (examples/http-service's own measurement,
// which also writes its detailed section, `bench:demo-memory`).
//   MEMORY_RUNS   fresh processes per cache library (default 3)

const runs = Number(process.env.MEMORY_RUNS ?? 3);
const here = fileURLToPath(new URL('..', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));
const LIBRARIES = [
  { id: 'ballast', name: '@ballast/cache `memoryTier`', role: 'ballast' },
  { id: 'lru-cache', name: 'lru-cache', role: 'peer' },
  { id: 'bentocache', name: 'bentocache memory driver', role: 'peer' },
  { id: 'map', name: 'a bare `Map` (limit)', role: 'baseline' },
] as const;

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

function heapOf(library: string): number {
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', 'memory/cache-heap.ts', library],
    {
      cwd: here,
      encoding: 'utf8',
    },
  );
  const line = child.stdout.trim().split('\n').pop() ?? '';
  if (child.status !== 0 || !line.startsWith('{')) {
    throw new Error(`cache-heap ${library} exited with ${child.status}:\n${child.stderr}`);
  }
  return (JSON.parse(line) as { bytes: number }).bytes;
}

function cacheHeap(): string[] {
  const heaps = new Map<string, number[]>(LIBRARIES.map((l) => [l.id, []]));
  for (let run = 0; run < runs; run++) {
    const order = run % 2 === 0 ? LIBRARIES : [...LIBRARIES].reverse();
    for (const library of order) heaps.get(library.id)!.push(heapOf(library.id));
  }
  const mid = (id: string) => median(heaps.get(id)!);
  return [
    '#### cache heap, 100,000 entries',
    '',
    '| cache | role | heap kept (median) | per entry | vs lru-cache | vs a bare Map |',
    '|---|---|---:|---:|---:|---:|',
    ...LIBRARIES.map(
      (l) =>
        `| ${l.name} | ${l.role} | ${mb(mid(l.id))} | ${(mid(l.id) / 100_000).toFixed(0)} B | ${(mid(l.id) / mid('lru-cache')).toFixed(2)}× | ${(mid(l.id) / mid('map')).toFixed(2)}× |`,
    ),
    '',
    `Each cache alone in a fresh process (median of ${runs}, interleaved): the heap still used after a full GC once 100,000 small records (\`{ id, name, email, active }\`, keys \`user:<i>\`) are stored with a 1 h TTL, minus the reading before; capacity set above 100,000 so nothing is evicted. The bare Map holds the same keys and records with no TTL, no recency order and no size accounting: what the data alone takes.`,
  ];
}

/**
 * The demo service's memory: examples/http-service's `measure:memory` (fresh processes:
 * `pnpm start` as deployed, idle; the same bundle under the demo scenario, sampled every
 * 50 ms), which writes its own section; its two headline figures are checked here.
 */
function demoMemory(): { lines: string[]; goals: GoalResult[] } {
  const out = execFileSync('pnpm', ['--silent', '--filter', 'http-service', 'measure:memory'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const row = (start: string) => out.split('\n').find((line) => line.startsWith(`| ${start}`)) ?? '';
  const figures = (line: string) => [...line.matchAll(/([\d.]+) MB/g)].map((m) => Number(m[1]));
  const [idle] = figures(row('**`pnpm start` as deployed**'));
  const probe = figures(row('the same bundle with the probe inside (`pnpm demo`'));
  const peak = probe[1];
  if (idle === undefined || peak === undefined) {
    throw new Error(`measure:memory printed no deployed idle or scenario peak row:\n${out}`);
  }
  const scenario = /\| ([\d,]+ requests in [^|]+) \|$/.exec(
    row('the same bundle with the probe inside (`pnpm demo`'),
  )?.[1];
  const goals: GoalResult[] = [
    {
      label: 'http-service RSS, idle (`pnpm start` as deployed)',
      measured: `${idle.toFixed(1)} MB`,
      goal: '< 50 MB',
      met: idle < 50,
    },
    {
      label: "http-service RSS, peak under the demo's load",
      measured: `${peak.toFixed(1)} MB`,
      goal: '< 200 MB',
      met: peak < 200,
      detail: scenario,
    },
  ];
  return {
    lines: [
      '#### examples/http-service: resident memory',
      '',
      `Idle 3 s after \`pnpm start\` (\`node dist/main.cjs\`, read from outside): **${idle.toFixed(1)} MB**; peak during the demo scenario (${scenario ?? 'the demo load'}): **${peak.toFixed(1)} MB**. The details, the reference rows and where the figure comes from are in the section "examples/http-service: resident memory of the demo service", which the same run rewrites.`,
      '',
      ...goals.map(renderGoal),
    ],
    goals,
  };
}

export default defineSuite({
  id: 'memory',
  title: 'Memory: cache heap and the demo service',
  method: 'fresh processes, heap after a full GC; RSS as the OS reports it',
  groups: () => [],
  extra: () => {
    const demo = demoMemory();
    return { lines: [...cacheHeap(), '', ...demo.lines], goals: demo.goals };
  },
});
