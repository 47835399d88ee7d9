import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStubApi } from '../src/stub-api.js';
import { buildCli, cliPath } from './build.js';

// `pnpm cold-start [rounds]`: how long `courses doctor` takes from a cold start to exit.
// Fresh processes, the variants alternating round by round (a loaded machine slows them
// all alike), medians printed as a Markdown table for the README. The goal (issue 22) is
// 80 ms for `doctor`; `node -e 0` is the floor no CLI gets under on this machine.

const GOAL_MS = 80;
const rounds = Number(process.argv[2] ?? 21);

await buildCli({ ifStale: true });
const home = await mkdtemp(join(tmpdir(), 'courses-cold-start-'));
const api = await startStubApi();
const env = { ...process.env, HOME: home, NO_COLOR: '1', COURSES_API_TOKEN: 'tok_cold_start' };
for (const key of Object.keys(env)) if (key.startsWith('XDG_')) delete env[key];

const variants: Array<{ label: string; args: string[]; env?: Record<string, string> }> = [
  { label: '`node -e 0` (the floor)', args: ['-e', '0'] },
  { label: '`courses --help`', args: [cliPath, '--help'] },
  {
    label: '`courses doctor`, the API in another process',
    args: [cliPath, 'doctor'],
    env: { COURSES_API_URL: api.url },
  },
  { label: '`courses doctor`, the local stub API in process', args: [cliPath, 'doctor'] },
];
// COLD_START_COMPARE=/path/to/an/older/dist/cli.js adds that build's doctor (local stub) to the rounds.
const compare = process.env.COLD_START_COMPARE;
if (compare) variants.push({ label: `\`${compare} doctor\`, local stub`, args: [compare, 'doctor'] });

/** Milliseconds from spawn to exit of one process. */
function time(args: string[], extra: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { env: { ...env, ...extra }, stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== null && code > 1) reject(new Error(`${args.join(' ')} exited with ${code}`));
      else resolve(performance.now() - started);
    });
  });
}

const samples = variants.map(() => [] as number[]);
try {
  for (let round = 0; round < rounds; round++) {
    for (const [i, variant] of variants.entries()) samples[i]?.push(await time(variant.args, variant.env));
  }
} finally {
  await api.close();
  await rm(home, { recursive: true, force: true });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? Number.NaN;
const floor = median(samples[0] ?? []);
console.log(`| run (median of ${rounds}) | ms | over \`node -e 0\` | goal |`);
console.log('| --- | ---: | ---: | --- |');
for (const [i, variant] of variants.entries()) {
  const ms = median(samples[i] ?? []);
  const goal = variant.args.includes('doctor') ? `≤ ${GOAL_MS} ms ${ms <= GOAL_MS ? '✓' : '✗'}` : '';
  console.log(
    `| ${variant.label} | ${ms.toFixed(0)} | ${i === 0 ? '' : `+${(ms - floor).toFixed(0)}`} | ${goal} |`,
  );
}
