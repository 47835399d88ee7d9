import { ManualClock } from '@ballast/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHealth, doctorExitCode, type HealthReport, renderDoctor } from '../src/index.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

async function report(): Promise<HealthReport> {
  const clock = new ManualClock();
  const health = createHealth({
    clock,
    service: { name: 'api', version: '3', releaseId: 'r42' },
    checks: [
      {
        name: 'redis',
        componentType: 'datastore',
        observedUnit: 'ms',
        run: async () => {
          await clock.sleep(3);
          return { status: 'pass', output: 'PONG', observedValue: 3 };
        },
      },
      {
        name: 'disk',
        critical: false,
        run: () => ({
          status: 'warn',
          output: '8% free on /',
          suggestion: 'Free space on / or grow the volume.',
          details: { path: '/', free: 8 },
        }),
      },
      { name: 'queue', critical: false, run: () => false },
      { name: 'api', timeout: 2000, run: () => new Promise(() => {}) },
      { name: 'cron', critical: false, run: () => ({ status: 'warn' }) },
    ],
  });
  const pending = health.check();
  await clock.advance(2000);
  return pending;
}

describe('renderDoctor', () => {
  it('prints one line per check with symbol, duration and output, then the overall status and actions', async () => {
    const lines = renderDoctor(await report(), { color: false }).split('\n');
    expect(lines).toEqual([
      'Doctor summary for api 3 (release r42):',
      '',
      '✓ redis (3 ms) — PONG',
      '⚠ disk (0 ms) — 8% free on /',
      '✗ queue (0 ms) — the check reported a failure',
      '✗ api (2000 ms) — timed out after 2000 ms',
      '⚠ cron (0 ms)',
      '',
      'Overall Status: UNHEALTHY',
      '',
      'Recommended Actions:',
      '  1. disk: Free space on / or grow the volume.',
      '  2. queue: investigate why it reports "the check reported a failure".',
      '  3. api: Find out why "api" is slow to answer, or raise its timeout (now 2000 ms).',
      '  4. cron: investigate why it reports warn.',
    ]);
  });

  it('adds observed values, details and non-critical markers when verbose', async () => {
    const text = renderDoctor(await report(), { color: false, verbose: true });
    expect(text).toContain('✓ redis (3 ms) — PONG\n    • observed: 3 ms\n');
    expect(text).toContain('⚠ disk (0 ms, non-critical) — 8% free on /\n    • path: /\n    • free: 8\n');
  });

  it('shows a redacted observed value when verbose, never the credential in it', async () => {
    const health = createHealth({
      checks: [
        {
          name: 'cache',
          run: () => ({ status: 'warn', observedValue: 'redis://default:pw123456@cache:6379' }),
        },
      ],
    });
    const text = renderDoctor(await health.check(), { color: false, verbose: true });
    expect(text).toContain('    • observed: redis://default:[REDACTED]@cache:6379');
    expect(text).not.toContain('pw123456');
  });

  it('reports HEALTHY without actions, and DEGRADED for warnings only', () => {
    const healthy: HealthReport = {
      status: 'pass',
      checks: {
        db: [{ componentId: 'db', status: 'pass', time: '', duration: 4, critical: true, observedValue: 1 }],
      },
    };
    const text = renderDoctor(healthy, { color: false, verbose: true });
    expect(text.split('\n')).toEqual([
      'Doctor summary:',
      '',
      '✓ db (4 ms)',
      '    • observed: 1',
      '',
      'Overall Status: HEALTHY',
    ]);
    const degraded = renderDoctor({ ...healthy, status: 'warn' }, { color: false });
    expect(degraded).toContain('Overall Status: DEGRADED');
  });

  it('explains a report without checks, such as readiness during shutdown', async () => {
    const health = createHealth({ checks: [{ name: 'a', run: () => true }] });
    health.beginShutdown();
    const lines = renderDoctor(await health.check('readiness'), { color: false }).split('\n');
    expect(lines).toEqual([
      'Doctor summary:',
      '',
      '  (no checks)',
      '',
      'Overall Status: UNHEALTHY',
      '',
      'Recommended Actions:',
      '  1. The service reports: the service is shutting down.',
    ]);
    expect(renderDoctor({ status: 'pass' } as HealthReport, { color: false })).toContain('(no checks)');
  });

  it('colours symbols and the status when asked, and never with NO_COLOR', async () => {
    const r = await report();
    vi.stubEnv('NO_COLOR', '');
    const coloured = renderDoctor(r, { color: true });
    expect(coloured).toContain('\u001b[32m✓\u001b[0m redis');
    expect(coloured).toContain('\u001b[31m✗\u001b[0m api');
    expect(coloured).toContain('Overall Status: \u001b[1;31mUNHEALTHY\u001b[0m');
    vi.stubEnv('NO_COLOR', '1');
    expect(renderDoctor(r, { color: true })).not.toContain('\u001b[');
  });

  it('colours by default only on a TTY', async () => {
    const r = await report();
    vi.stubEnv('NO_COLOR', '');
    const tty = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
    try {
      Object.defineProperty(process.stdout, 'isTTY', { value: true, configurable: true });
      expect(renderDoctor(r)).toContain('\u001b[');
      Object.defineProperty(process.stdout, 'isTTY', { value: undefined, configurable: true });
      expect(renderDoctor(r)).not.toContain('\u001b[');
    } finally {
      if (tty) Object.defineProperty(process.stdout, 'isTTY', tty);
      else delete (process.stdout as { isTTY?: boolean }).isTTY;
    }
  });

  it('renders a report that went through JSON the same way', async () => {
    const r = await report();
    expect(renderDoctor(JSON.parse(JSON.stringify(r)), { color: false })).toBe(
      renderDoctor(r, { color: false }),
    );
  });
});

describe('doctorExitCode', () => {
  it('gives 0 for healthy, 1 for degraded and 2 for unhealthy', () => {
    expect(doctorExitCode({ status: 'pass' })).toBe(0);
    expect(doctorExitCode({ status: 'warn' })).toBe(1);
    expect(doctorExitCode({ status: 'fail' })).toBe(2);
  });
});
