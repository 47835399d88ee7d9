import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceConfig } from '../src/config.js';
import { createService, type Service } from '../src/service.js';

interface ReportLine {
  level: string;
  msg: string;
  report: {
    kind: 'occurrence' | 'summary' | 'suppressed';
    count: number;
    code?: string;
    context?: Record<string, unknown>;
    suppressed?: Array<{ code: string; count: number }>;
  };
}

const TOKEN = 'ops-token-0123456789abc';
let service: Service | undefined;
const dirs: string[] = [];

/** A service whose upstream fails only when told to, and whose breaker stays open once opened. */
async function start(config: ServiceConfig = {}) {
  const lines: string[] = [];
  service = await createService({
    upstream: { latencyMs: 0, jitterMs: 0, errorRate: 0, slowRate: 0 },
    halfOpenAfter: '1h',
    logSinks: [{ name: 'capture', write: (line) => void lines.push(line) }],
    ...config,
  });
  const s = service;
  return {
    service: s,
    /** The `error report` lines written so far, after ending every dedupe window. */
    reports: async (): Promise<ReportLine[]> => {
      await s.reports.reporter.flush();
      await s.logger.flush();
      return lines.map((line) => JSON.parse(line) as ReportLine).filter((line) => line.report !== undefined);
    },
    /** Reads products nobody read before while the upstream is down: each answers 503. */
    coldReads: async (ids: number[]) => {
      s.upstream.set({ mode: 'outage' });
      const statuses = [];
      for (const id of ids) statuses.push((await fetch(`${s.url}/products/${id}`)).status);
      return statuses;
    },
  };
}

afterEach(async () => {
  await service?.close();
  service = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('error reports', () => {
  it('reports the first failure of a kind at once and folds its repeats into one counted summary', async () => {
    const { service, reports, coldReads } = await start();
    expect(await coldReads([41, 42, 43, 44, 45, 46])).toEqual([503, 503, 503, 503, 503, 503]);
    const lines = await reports();
    const byCode = (code: string) =>
      lines.filter((line) => line.report.code === code).map((line) => line.report);
    // The upstream's 503s until the breaker opens, then the open breaker's fast failures.
    expect(byCode('UNAVAILABLE')[0]).toMatchObject({ kind: 'occurrence', count: 1 });
    expect(byCode('CIRCUIT_OPEN')[0]).toMatchObject({ kind: 'occurrence', count: 1 });
    const summary = byCode('CIRCUIT_OPEN').find((report) => report.kind === 'summary');
    expect(summary?.count).toBeGreaterThan(1);
    expect(lines.find((line) => line.report === summary)?.msg).toMatch(
      /^error report: CIRCUIT_OPEN repeated \d+ times in 1m/,
    );
    // Twelve failures (each read's upstream call and its 503 answer) reach the log as four lines.
    const stats = service.reports.reporter.stats();
    expect(stats.reported).toBe(12);
    expect(lines).toHaveLength(4);
    expect(lines.reduce((sum, line) => sum + line.report.count, 0)).toBe(stats.reported);
    expect(lines.every((line) => line.level === 'warn')).toBe(true); // a dependency failing: warning
    const contexts = lines.map((line) => line.report.context);
    expect(contexts).toContainEqual({ upstream: '/products' });
    expect(contexts).toContainEqual(expect.objectContaining({ route: '/products/:id', method: 'GET' }));
  });

  it('holds back a storm of reports past the rate limit and announces it in one suppressed report', async () => {
    const { service, reports, coldReads } = await start({
      errorReports: { rateLimit: { max: 1, per: '1h' } },
    });
    await coldReads([41, 42, 43]);
    // Only the first report reached the sink; what followed is counted, and on /metrics.
    expect(service.reports.reporter.stats()).toMatchObject({ sent: 1, suppressed: expect.any(Number) });
    expect(service.reports.reporter.stats().suppressed).toBeGreaterThan(0);
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toMatch(/ballast_errors_suppressed_total\{[^}]*error_type="CIRCUIT_OPEN"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/ballast_errors_reported_total\{[^}]*error_type="UNAVAILABLE"/);
    const lines = await reports();
    const storm = lines.find((line) => line.report.kind === 'suppressed');
    expect(storm?.msg).toMatch(/^error report: \d+ error reports? suppressed by the rate limit \(1 per 1h\)/);
    expect(storm?.report.suppressed?.map((held) => held.code)).toContain('CIRCUIT_OPEN');
  });

  it('drops the reports of a silenced code until an admin lifts the silence', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'http-service-silence-'));
    dirs.push(dir);
    const { service, reports, coldReads } = await start({
      admins: { ops: TOKEN },
      auditLogPath: join(dir, 'audit.log'),
    });
    const admin = (method: string, path: string, body?: unknown) =>
      fetch(`${service.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const silences: string[] = [];
    for (const match of ['UNAVAILABLE', 'CIRCUIT_OPEN']) {
      const res = await admin('POST', '/admin/silences', {
        match,
        for: '15m',
        reason: 'INC-7: upstream down, we know',
      });
      expect(res.status).toBe(201);
      silences.push(((await res.json()) as { id: string }).id);
    }
    await coldReads([41, 42, 43]);
    expect(await reports()).toEqual([]);
    const silenced = service.reports.reporter.stats().silenced;
    expect(silenced).toBe(6);
    for (const id of silences) expect((await admin('DELETE', `/admin/silences/${id}`)).status).toBe(204);
    await coldReads([44]);
    // Reported again: the read's upstream call and its 503, as an occurrence and a summary of 1.
    expect((await reports()).map(({ report }) => [report.kind, report.code, report.count])).toEqual([
      ['occurrence', 'CIRCUIT_OPEN', 1],
      ['summary', 'CIRCUIT_OPEN', 1],
    ]);
    expect(service.reports.reporter.stats().silenced).toBe(silenced);
  });
});
