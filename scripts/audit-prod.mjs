#!/usr/bin/env node
// `pnpm audit --prod`, made safe for machines that cannot reach the advisory service.
// - The service answers: print the findings and fail on any high or critical advisory.
// - The service cannot be reached (offline, proxy, a registry mirror without the audit
//   endpoint, or no answer within AUDIT_TIMEOUT_SECONDS, default 60): say so plainly and
//   exit 0, because nothing was learnt either way. Any other failure of pnpm fails.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const timeoutMs = Number(process.env.AUDIT_TIMEOUT_SECONDS ?? 60) * 1000;
const UNREACHABLE =
  /ERR_PNPM_AUDIT_BAD_RESPONSE|ERR_PNPM_AUDIT_ENDPOINT|ERR_PNPM_FETCH|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH|socket hang up|fetch failed|network/i;

const child = spawn('pnpm', ['audit', '--prod', '--json'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
let stdout = '';
let stderr = '';
child.stdout.on('data', (chunk) => {
  stdout += chunk;
});
child.stderr.on('data', (chunk) => {
  stderr += chunk;
});
let timedOut = false;
const timer = setTimeout(() => {
  timedOut = true;
  child.kill('SIGTERM');
}, timeoutMs);

const code = await new Promise((resolve) => child.on('close', resolve));
clearTimeout(timer);

function unreachable(reason) {
  console.log(`audit: the advisory service could not be reached (${reason}).`);
  console.log(
    'audit: no advisories were checked; this is not a failure. Run `pnpm audit:prod` where it can be reached.',
  );
  process.exit(0);
}

if (timedOut) unreachable(`no answer within ${timeoutMs / 1000} s`);

let report;
try {
  report = JSON.parse(stdout);
} catch {
  if (UNREACHABLE.test(stdout + stderr)) unreachable((stderr || stdout).trim().split('\n')[0]);
  console.error(
    `audit: pnpm audit failed (exit ${code}) with output that is not a report:\n${stdout}${stderr}`,
  );
  process.exit(1);
}

if (report.error) {
  const message = `${report.error.code ?? ''} ${report.error.message ?? ''}`.trim();
  if (UNREACHABLE.test(message)) unreachable(message);
  console.error(`audit: pnpm audit failed: ${message}`);
  process.exit(1);
}

const counts = report.metadata?.vulnerabilities ?? {};
const advisories = Object.values(report.advisories ?? {});
for (const advisory of advisories) {
  const paths = (advisory.findings ?? []).flatMap((finding) => finding.paths ?? []).slice(0, 3);
  console.log(
    `${advisory.severity.padEnd(8)} ${advisory.module_name} ${advisory.vulnerable_versions}: ${advisory.title} (${advisory.url ?? advisory.github_advisory_id ?? ''})${paths.length > 0 ? `\n         via ${paths.join('; ')}` : ''}`,
  );
}
const summary = ['critical', 'high', 'moderate', 'low', 'info']
  .map((level) => `${counts[level] ?? 0} ${level}`)
  .join(', ');
console.log(`audit: ${summary} in production dependencies.`);
const serious = (counts.critical ?? 0) + (counts.high ?? 0);
if (serious > 0) {
  console.error(
    `audit: ${serious} high or critical advisories: upgrade or replace the affected dependencies.`,
  );
  process.exit(1);
}
