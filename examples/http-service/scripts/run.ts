import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bundle } from './build.ts';

// `pnpm start` / `pnpm demo` (and the root `pnpm demo`): bundle the example, then run the
// bundle with plain `node` (dist/main.cjs or dist/demo.cjs) as it is deployed. The bundle
// runs in a child process without the TypeScript loader this script needs.
//
// Ctrl-C reaches every process of the terminal's foreground group, so the child hears it
// itself and shuts down gracefully; this process only waits and hands back the child's
// exit code. A SIGTERM or SIGHUP sent to this process alone is forwarded to the child.

const entries = { main: 'src/main.ts', demo: 'src/demo.ts' } as const;
const name = process.argv[2];
if (name !== 'main' && name !== 'demo') {
  console.error(`usage: node --import tsx scripts/run.ts <main|demo>  (got ${JSON.stringify(name)})`);
  process.exit(2);
}
const root = fileURLToPath(new URL('..', import.meta.url));
await bundle({ [name]: entries[name] }, `${root}dist`);

const child = spawn(process.execPath, [`${root}dist/${name}.cjs`, ...process.argv.slice(3)], {
  stdio: 'inherit',
});
process.on('SIGINT', () => undefined); // the child got it too and is shutting down
for (const signal of ['SIGTERM', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  // Ended by the Ctrl-C it was sent: that is the user's way to stop it, not a failure.
  process.exit(signal === 'SIGINT' ? 0 : (code ?? 1));
});
