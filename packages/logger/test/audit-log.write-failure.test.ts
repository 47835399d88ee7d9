import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuditLog, verifyAuditLog } from '@ballast/logger';
import { afterEach, describe, expect, it, vi } from 'vitest';

/** Fails the next write of a record halfway, as a disk filling up would. */
const failNext = vi.hoisted(() => ({ armed: false }));

vi.mock('../src/internal/batch.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/internal/batch.js')>();
  return {
    ...original,
    writeFully(fd: number, text: string) {
      if (!failNext.armed) return original.writeFully(fd, text);
      failNext.armed = false;
      original.writeFully(fd, text.slice(0, Math.floor(text.length / 2)));
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    },
  };
});

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('createAuditLog when a write fails midway', () => {
  it('cuts the half-written record back out, so the chain stays whole and goes on', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ballast-audit-fail-'));
    const path = join(dir, 'audit.log');
    const log = createAuditLog({ path, fsync: false });
    log.record({ action: 'first' });
    failNext.armed = true;
    expect(() => log.record({ action: 'lost' })).toThrow('ENOSPC');
    const receipt = log.record({ action: 'second' });
    await log.close();
    expect(receipt.seq).toBe(2);
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line).event.action)).toEqual(['first', 'second']);
    expect(await verifyAuditLog(path, { head: receipt })).toMatchObject({ ok: true, records: 2 });
  });
});
