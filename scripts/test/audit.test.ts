import { describe, expect, it } from 'vitest';
import { auditVerdict } from '../lib/audit.ts';

const report = (vulnerabilities: Record<string, number>, advisories: Record<string, unknown> = {}) =>
  JSON.stringify({ advisories, metadata: { vulnerabilities } });

describe('audit:prod verdict', () => {
  it('passes and says the service was unreachable when pnpm reports a bad audit response', () => {
    const stdout = JSON.stringify({
      error: { code: 'ERR_PNPM_AUDIT_BAD_RESPONSE', message: 'The audit endpoint responded with 405' },
    });
    const verdict = auditVerdict({ stdout, stderr: '', code: 1 });
    expect(verdict.kind).toBe('unreachable');
    expect(verdict.exitCode).toBe(0);
    expect(verdict.lines[0]).toContain('could not be reached');
  });

  it('passes when the request fails at the network level or times out', () => {
    expect(
      auditVerdict({ stdout: '', stderr: 'request to … failed, reason: getaddrinfo ENOTFOUND', code: 1 })
        .kind,
    ).toBe('unreachable');
    const timedOut = auditVerdict({ stdout: '', stderr: '', code: null, timedOutAfterSeconds: 60 });
    expect(timedOut).toMatchObject({ kind: 'unreachable', exitCode: 0 });
    expect(timedOut.lines[0]).toContain('no answer within 60 s');
  });

  it('fails on high or critical advisories and names them', () => {
    const advisories = {
      1: {
        severity: 'high',
        module_name: 'left-pad',
        vulnerable_versions: '<1.3.0',
        title: 'Prototype pollution',
        url: 'https://example.test/advisory/1',
        findings: [{ paths: ['packages/cache > left-pad'] }],
      },
    };
    const verdict = auditVerdict({ stdout: report({ high: 1, low: 2 }, advisories), stderr: '', code: 1 });
    expect(verdict).toMatchObject({ kind: 'advisories', exitCode: 1 });
    expect(verdict.lines.join('\n')).toContain('left-pad <1.3.0: Prototype pollution');
    expect(verdict.lines.join('\n')).toContain('1 high or critical');
  });

  it('passes on moderate and lower advisories, listing the counts', () => {
    const verdict = auditVerdict({ stdout: report({ moderate: 2, low: 1 }), stderr: '', code: 1 });
    expect(verdict).toMatchObject({ kind: 'clean', exitCode: 0 });
    expect(verdict.lines.at(-1)).toBe(
      'audit: 0 critical, 0 high, 2 moderate, 1 low, 0 info in production dependencies.',
    );
  });

  it('fails when pnpm fails for a reason other than reaching the service', () => {
    const lockfile = JSON.stringify({
      error: { code: 'ERR_PNPM_AUDIT_NO_LOCKFILE', message: 'No pnpm-lock.yaml found' },
    });
    expect(auditVerdict({ stdout: lockfile, stderr: '', code: 1 })).toMatchObject({
      kind: 'error',
      exitCode: 1,
    });
    expect(auditVerdict({ stdout: 'Segmentation fault', stderr: '', code: 139 })).toMatchObject({
      kind: 'error',
      exitCode: 1,
    });
  });
});
