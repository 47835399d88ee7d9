import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireRedis, uniquePrefix } from '@ballast/test-utils';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditHeadKey, checkAuditLog } from '../src/audit.js';
import { createService, type Service } from '../src/service.js';

const example = fileURLToPath(new URL('..', import.meta.url));
const tsx = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url));
const ALICE = 'alice-token-0123456789';
const BOB = 'bob-token-9876543210xx';
const redisUrl = await requireRedis();

/** Runs scripts/verify-audit.ts as an operator would; its exit code and output. */
function verify(...args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [tsx, '--conditions=@ballast/source', 'scripts/verify-audit.ts', ...args],
      { cwd: example },
      (error, stdout, stderr) =>
        resolve({
          code: error ? Number((error as { code?: number }).code ?? 1) : 0,
          out: `${stdout}${stderr}`,
        }),
    );
  });
}

interface AuditLine {
  seq: number;
  event: {
    action: string;
    actor: string;
    outcome: string;
    request_id: string;
    ip: string;
    target?: unknown;
    reason?: string;
  };
}

const recordsOf = (path: string): AuditLine[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AuditLine);

describe('the audited admin API', () => {
  const dir = mkdtempSync(join(tmpdir(), 'http-service-audit-'));
  const path = join(dir, 'audit.log');
  const lines: string[] = [];
  let service: Service;

  const call = (method: string, route: string, token?: string, body?: unknown) =>
    fetch(`${service.url}${route}`, {
      method,
      headers: {
        'x-forwarded-for': '198.51.100.7',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    service = await createService({
      admins: { alice: ALICE, bob: BOB },
      auditLogPath: path,
      chaosEndpoint: true,
      trustProxy: true,
      logSinks: [{ name: 'capture', write: (line) => void lines.push(line) }],
    });
  });

  afterAll(async () => {
    await service?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a request without a valid admin token with 401, and records the attempt', async () => {
    const none = await call('POST', '/admin/silences', undefined, {
      match: 'UNAVAILABLE',
      for: '5m',
      reason: 'x',
    });
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toBe('application/problem+json');
    expect((await call('DELETE', '/admin/cache', 'not-a-token-at-all')).status).toBe(401);
    const [first, second] = recordsOf(path);
    expect(first?.event).toMatchObject({
      action: 'admin.denied',
      actor: 'anonymous',
      outcome: 'denied',
      ip: '198.51.100.7',
      reason: 'no bearer token',
      target: { attempted: 'silence.create' },
    });
    expect(first?.event.request_id).toBe(none.headers.get('x-request-id'));
    expect(second?.event).toMatchObject({
      action: 'admin.denied',
      reason: 'unknown token',
      target: { attempted: 'cache.clear' },
    });
    // The token never reaches the audit log or the service log.
    expect(readFileSync(path, 'utf8')).not.toContain('not-a-token-at-all');
    await service.logger.flush();
    for (const line of lines) expect(line).not.toContain('not-a-token-at-all');
  });

  it('silences an error code for a while, lists it, lifts it, and records who did each', async () => {
    const created = await call('POST', '/admin/silences', ALICE, {
      match: 'UNAVAILABLE',
      for: '30m',
      reason: 'INC-1234: catalogue upstream migration',
    });
    expect(created.status).toBe(201);
    const silence = (await created.json()) as { id: string; until: string; actor: string };
    expect(silence).toMatchObject({
      match: 'UNAVAILABLE',
      actor: 'alice',
      reason: 'INC-1234: catalogue upstream migration',
    });
    const listed = await call('GET', '/admin/silences', BOB);
    expect(await listed.json()).toEqual([silence]);
    expect((await call('DELETE', `/admin/silences/${silence.id}`, BOB)).status).toBe(204);
    expect(await (await call('GET', '/admin/silences', BOB)).json()).toEqual([]);
    const actions = recordsOf(path).map((r) => [r.event.action, r.event.actor, r.event.outcome]);
    expect(actions.slice(-2)).toEqual([
      ['silence.create', 'alice', 'ok'],
      ['silence.delete', 'bob', 'ok'],
    ]);
    expect(recordsOf(path).at(-2)?.event).toMatchObject({
      target: { match: 'UNAVAILABLE', until: silence.until },
      reason: 'INC-1234: catalogue upstream migration',
    });
  });

  it('records an admin’s invalid request as invalid, with why, and answers 400', async () => {
    const res = await call('POST', '/admin/silences', ALICE, {
      match: 'UNAVAILABLE',
      for: '30d',
      reason: 'too long',
    });
    expect(res.status).toBe(400);
    expect(recordsOf(path).at(-1)?.event).toMatchObject({
      action: 'silence.create',
      actor: 'alice',
      outcome: 'invalid',
      reason: 'A silence must end in the future and within 7 days',
    });
    expect((await call('POST', '/admin/silences', ALICE, { match: 'UNAVAILABLE', for: '1m' })).status).toBe(
      400,
    );
    expect(recordsOf(path).at(-1)?.event.reason).toMatch(/reason is required/);
  });

  it('purges one product from the cache, so the next read goes to the upstream', async () => {
    expect((await fetch(`${service.url}/products/9`)).status).toBe(200);
    const before = service.upstream.stats().requests;
    expect((await fetch(`${service.url}/products/9`)).status).toBe(200);
    expect(service.upstream.stats().requests).toBe(before); // a cache hit
    expect((await call('DELETE', '/admin/cache/products/9', BOB)).status).toBe(204);
    expect((await fetch(`${service.url}/products/9`)).status).toBe(200);
    expect(service.upstream.stats().requests).toBe(before + 1);
    expect(recordsOf(path).at(-1)?.event).toMatchObject({
      action: 'cache.purge',
      actor: 'bob',
      target: { namespace: 'product', key: '9' },
    });
  });

  it('puts the chaos switch behind an admin token once admins exist, and records each change', async () => {
    expect((await call('POST', '/_chaos?mode=outage')).status).toBe(401);
    expect(service.upstream.behaviour.mode).toBe('ok');
    const res = await call('POST', '/_chaos?mode=throttle&throttleRate=0.5', ALICE);
    expect(res.status).toBe(200);
    expect(service.upstream.behaviour).toMatchObject({ mode: 'throttle', throttleRate: 0.5 });
    expect((await call('POST', '/_chaos?reset=1', ALICE)).status).toBe(200);
    expect(service.upstream.behaviour.mode).toBe('ok');
    const last = recordsOf(path).slice(-3);
    expect(last.map((r) => [r.event.action, r.event.outcome])).toEqual([
      ['admin.denied', 'denied'],
      ['chaos.change', 'ok'],
      ['chaos.change', 'ok'],
    ]);
    expect(last[1]?.event.target).toEqual({ mode: 'throttle', throttleRate: '0.5' });
  });

  it('anchors each record in the service log with its receipt', async () => {
    await service.logger.flush();
    const anchors = lines
      .map((line) => JSON.parse(line) as { msg: string; audit?: { seq: number; hash: string } })
      .filter((line) => line.msg === 'audit record written');
    const records = readFileSync(path, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { seq: number; hash: string });
    expect(anchors.map((a) => [a.audit?.seq, a.audit?.hash])).toEqual(records.map((r) => [r.seq, r.hash]));
  });

  it('continues the chain after a restart, and verify-audit finds it intact', async () => {
    const count = recordsOf(path).length;
    await service.close();
    service = await createService({
      admins: { alice: ALICE },
      auditLogPath: path,
      logSinks: [{ name: 'capture', write: (line) => void lines.push(line) }],
    });
    expect((await call('DELETE', '/admin/cache', ALICE)).status).toBe(204);
    expect(recordsOf(path).at(-1)).toMatchObject({ seq: count + 1, event: { action: 'cache.clear' } });
    expect((await checkAuditLog(path)).verification).toEqual({ ok: true, records: count + 1 });
  });
});

describe('scripts/verify-audit.ts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'http-service-verify-'));
  let path: string;
  let original: string;
  let head: { seq: number; hash: string };

  beforeAll(async () => {
    path = join(dir, 'audit.log');
    const service = await createService({
      admins: { alice: ALICE },
      auditLogPath: path,
      logSinks: [{ name: 'discard', write() {} }],
    });
    try {
      for (const id of [1, 2, 3, 4]) {
        const res = await fetch(`${service.url}/admin/cache/products/${id}`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${ALICE}` },
        });
        expect(res.status).toBe(204);
      }
    } finally {
      await service.close();
    }
    original = readFileSync(path, 'utf8');
    const last = JSON.parse(original.trim().split('\n').at(-1) as string) as { seq: number; hash: string };
    head = { seq: last.seq, hash: last.hash };
  }, 30_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const tampered = (edit: (lines: string[]) => string[]): string => {
    const file = join(dir, `tampered-${Math.random().toString(36).slice(2)}.log`);
    writeFileSync(file, `${edit(original.trim().split('\n')).join('\n')}\n`);
    return file;
  };

  it('passes an untouched log, with and without its head receipt', async () => {
    expect(await verify(path)).toMatchObject({
      code: 0,
      out: expect.stringContaining('4 records, chain intact'),
    });
    const withHead = await verify(path, '--head', `${head.seq}:${head.hash}`);
    expect(withHead.code).toBe(0);
    expect(withHead.out).toContain('ends at the head receipt (seq 4)');
  });

  it('fails a log whose line was edited, naming the line', async () => {
    // Someone rewrites who purged product 2.
    const file = tampered((lines) =>
      lines.map((line, i) => (i === 1 ? line.replace('"actor":"alice"', '"actor":"mallory"') : line)),
    );
    const result = await verify(file);
    expect(result.code).toBe(1);
    expect(result.out).toContain('line 2: altered');
  });

  it('fails a log with a line removed, or two lines swapped', async () => {
    const removed = await checkAuditLog(tampered((lines) => lines.filter((_, i) => i !== 2)));
    expect(removed.verification).toMatchObject({ ok: false, line: 3, reason: 'missing' });
    expect(removed.text).toContain('a record was removed here');
    const swapped = await checkAuditLog(tampered(([a, b, c, d]) => [a, c, b, d] as string[]));
    expect(swapped.verification).toMatchObject({ ok: false, reason: 'reordered' });
  });

  it('fails a log cut short only with the head receipt, which is what the receipt is for', async () => {
    const file = tampered((lines) => lines.slice(0, -1));
    expect((await checkAuditLog(file)).verification.ok).toBe(true);
    const result = await checkAuditLog(file, head);
    expect(result.verification).toMatchObject({ ok: false, line: 4, reason: 'truncated' });
  });

  it('answers a usage error with exit code 2', async () => {
    const bad = await verify(path, '--head', 'nonsense');
    expect(bad.code).toBe(2);
    expect(bad.out).toContain('--head must be <seq>:<64 hex digits>');
  });
});

describe.skipIf(!redisUrl)('the audit head receipt in Redis', () => {
  it('keeps the last receipt in Redis, so verify-audit --redis catches a log cut short', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'http-service-head-'));
    const path = join(dir, 'audit.log');
    const prefix = uniquePrefix('http-service');
    const redis = new Redis(redisUrl as string);
    const service = await createService({
      admins: { alice: ALICE },
      auditLogPath: path,
      redisUrl,
      redisPrefix: prefix,
      logSinks: [{ name: 'discard', write() {} }],
    });
    try {
      for (const id of [5, 6, 7]) {
        await fetch(`${service.url}/admin/cache/products/${id}`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${ALICE}` },
        });
      }
      await service.close();
      const key = auditHeadKey(prefix, path);
      expect(service.audit?.headKey).toBe(key);
      const stored = JSON.parse((await redis.get(key)) as string) as { seq: number };
      expect(stored.seq).toBe(3);
      const intact = await verify(path, '--redis', redisUrl as string, '--prefix', prefix);
      expect(intact).toMatchObject({
        code: 0,
        out: expect.stringContaining('ends at the head receipt (seq 3)'),
      });
      // The last record is cut off the file: only the receipt kept in Redis tells.
      writeFileSync(path, `${readFileSync(path, 'utf8').trim().split('\n').slice(0, -1).join('\n')}\n`);
      const cut = await verify(path, '--redis', redisUrl as string, '--prefix', prefix);
      expect(cut.code).toBe(1);
      expect(cut.out).toContain('truncated');
    } finally {
      await service.close();
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
