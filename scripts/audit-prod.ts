// `pnpm audit:prod`: `pnpm audit --prod`, made safe for machines that cannot reach the
// advisory service (see scripts/lib/audit.ts for the verdicts).
// - The service answers: print the findings and fail on any high or critical advisory.
// - The service cannot be reached (offline, proxy, a registry without the audit endpoint,
//   or no answer within AUDIT_TIMEOUT_SECONDS, default 60): say so plainly and exit 0,
//   because nothing was learnt either way. Any other failure of pnpm fails.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { auditVerdict } from './lib/audit.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const timeoutSeconds = Number(process.env.AUDIT_TIMEOUT_SECONDS ?? 60);

const child = spawn('pnpm', ['audit', '--prod', '--json'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
let stdout = '';
let stderr = '';
child.stdout.on('data', (chunk: Buffer) => {
  stdout += chunk;
});
child.stderr.on('data', (chunk: Buffer) => {
  stderr += chunk;
});
let timedOut = false;
const timer = setTimeout(() => {
  timedOut = true;
  child.kill('SIGTERM');
}, timeoutSeconds * 1000);
const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
clearTimeout(timer);

const verdict = auditVerdict({
  stdout,
  stderr,
  code,
  ...(timedOut ? { timedOutAfterSeconds: timeoutSeconds } : {}),
});
for (const line of verdict.lines) (verdict.exitCode === 0 ? console.log : console.error)(line);
process.exit(verdict.exitCode);
