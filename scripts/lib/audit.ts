/** What `pnpm audit --prod --json` told us, and what the build should do about it. */
export interface AuditVerdict {
  readonly kind: 'unreachable' | 'clean' | 'advisories' | 'error';
  /** Exit code for the script: 0 unless serious advisories were found or pnpm failed. */
  readonly exitCode: 0 | 1;
  readonly lines: readonly string[];
}

export interface AuditRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
  readonly timedOutAfterSeconds?: number;
}

/** Messages meaning that the advisory service was not reached or did not answer audits. */
const UNREACHABLE =
  /ERR_PNPM_AUDIT_BAD_RESPONSE|ERR_PNPM_AUDIT_ENDPOINT|ERR_PNPM_FETCH|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH|socket hang up|fetch failed/i;

interface Advisory {
  severity: string;
  module_name: string;
  vulnerable_versions: string;
  title: string;
  url?: string;
  findings?: { paths?: string[] }[];
}

interface Report {
  error?: { code?: string; message?: string };
  advisories?: Record<string, Advisory>;
  metadata?: { vulnerabilities?: Partial<Record<string, number>> };
}

function unreachable(reason: string): AuditVerdict {
  return {
    kind: 'unreachable',
    exitCode: 0,
    lines: [
      `audit: the advisory service could not be reached (${reason}).`,
      'audit: no advisories were checked; this is not a failure. Run `pnpm audit:prod` where it can be reached.',
    ],
  };
}

/** Classifies one run of `pnpm audit --prod --json`: high or critical advisories fail. */
export function auditVerdict(run: AuditRun): AuditVerdict {
  if (run.timedOutAfterSeconds !== undefined)
    return unreachable(`no answer within ${run.timedOutAfterSeconds} s`);
  let report: Report;
  try {
    report = JSON.parse(run.stdout) as Report;
  } catch {
    const output = `${run.stdout}${run.stderr}`;
    if (UNREACHABLE.test(output)) return unreachable(output.trim().split('\n')[0] ?? 'no answer');
    return {
      kind: 'error',
      exitCode: 1,
      lines: [`audit: pnpm audit failed (exit ${run.code}) with output that is not a report:`, output.trim()],
    };
  }
  if (report.error) {
    const message = `${report.error.code ?? ''} ${report.error.message ?? ''}`.trim();
    if (UNREACHABLE.test(message)) return unreachable(message);
    return { kind: 'error', exitCode: 1, lines: [`audit: pnpm audit failed: ${message}`] };
  }
  const counts = report.metadata?.vulnerabilities ?? {};
  const lines = Object.values(report.advisories ?? {}).map((advisory) => {
    const paths = (advisory.findings ?? []).flatMap((finding) => finding.paths ?? []).slice(0, 3);
    const via = paths.length > 0 ? ` via ${paths.join('; ')}` : '';
    return `${advisory.severity.padEnd(8)} ${advisory.module_name} ${advisory.vulnerable_versions}: ${advisory.title}${advisory.url ? ` (${advisory.url})` : ''}${via}`;
  });
  const levels = ['critical', 'high', 'moderate', 'low', 'info'];
  lines.push(
    `audit: ${levels.map((level) => `${counts[level] ?? 0} ${level}`).join(', ')} in production dependencies.`,
  );
  const serious = (counts.critical ?? 0) + (counts.high ?? 0);
  if (serious > 0) {
    lines.push(
      `audit: ${serious} high or critical advisories: upgrade or replace the affected dependencies.`,
    );
    return { kind: 'advisories', exitCode: 1, lines };
  }
  return { kind: 'clean', exitCode: 0, lines };
}
