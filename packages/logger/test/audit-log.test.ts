import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@ballast/core/testing';
import { ConfigurationError } from '@ballast/errors';
import { createAuditLog, GENESIS_HASH, verifyAuditLog } from '@ballast/logger';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ballast-audit-'));
  path = join(dir, 'audit', 'trail.log');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function writeTrail(count: number, fsync = false): Promise<string[]> {
  const audit = createAuditLog({ path, fsync, clock: new ManualClock({ now: 0 }) });
  for (let i = 1; i <= count; i++)
    audit.record({ action: 'user.update', actor: `u${i}`, password: 'hunter2' });
  await audit.close();
  return readFileSync(path, 'utf8').split('\n').filter(Boolean);
}

function rewrite(lines: string[]): void {
  writeFileSync(path, `${lines.join('\n')}\n`);
}

describe('createAuditLog', () => {
  it('appends hash-chained records with seq, prev_hash and hash, redacting secrets', async () => {
    const lines = await writeTrail(3, true);
    const records = lines.map((line) => JSON.parse(line));
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(records[0].prev_hash).toBe(GENESIS_HASH);
    expect(records[1].prev_hash).toBe(records[0].hash);
    expect(records[0]).toMatchObject({
      time: '1970-01-01T00:00:00.000Z',
      event: { actor: 'u1', password: '[REDACTED]' },
    });
    expect(await verifyAuditLog(path)).toEqual({ ok: true, records: 3 });
  });

  it('continues the chain of an existing file', async () => {
    await writeTrail(2);
    await using audit = createAuditLog({ path, fsync: false });
    expect(audit.record({ action: 'again' }).seq).toBe(3);
    expect(await verifyAuditLog(path)).toEqual({ ok: true, records: 3 });
  });

  it('finds an altered line', async () => {
    const lines = await writeTrail(5);
    lines[2] = (lines[2] as string).replace('u3', 'u9');
    rewrite(lines);
    expect(await verifyAuditLog(path)).toEqual({ ok: false, records: 2, line: 3, reason: 'altered' });
  });

  it('finds a missing, a reordered (swapped, moved or replayed) and a malformed line', async () => {
    const lines = await writeTrail(5);
    rewrite([lines[0], lines[1], lines[3], lines[4]] as string[]);
    expect(await verifyAuditLog(path)).toEqual({ ok: false, records: 2, line: 3, reason: 'missing' });
    rewrite([lines[0], lines[2], lines[1]] as string[]);
    expect(await verifyAuditLog(path)).toEqual({ ok: false, records: 1, line: 2, reason: 'reordered' });
    rewrite([lines[0], lines[1], lines[3], lines[4], lines[2]] as string[]);
    expect(await verifyAuditLog(path)).toEqual({ ok: false, records: 2, line: 3, reason: 'reordered' });
    rewrite([lines[0], lines[2], 'not json', lines[3]] as string[]);
    expect(await verifyAuditLog(path)).toEqual({ ok: false, records: 1, line: 2, reason: 'missing' });
    rewrite([lines[0], lines[1], lines[0]] as string[]);
    expect(await verifyAuditLog(path)).toMatchObject({ ok: false, records: 2, line: 3, reason: 'reordered' });
    rewrite([lines[0], 'not json'] as string[]);
    expect(await verifyAuditLog(path)).toMatchObject({ ok: false, line: 2, reason: 'malformed' });
    rewrite([`${lines[0]} `] as string[]);
    expect(await verifyAuditLog(path)).toMatchObject({ ok: false, line: 1, reason: 'altered' });
  });

  it('finds a record whose chain link was forged with a valid hash', async () => {
    const lines = await writeTrail(3);
    const third = JSON.parse(lines[2] as string);
    const forged = createAuditLog({ path: join(dir, 'other.log'), fsync: false });
    forged.record({ action: 'x' });
    forged.record({ action: 'y' });
    const fake = readFileSync(join(dir, 'other.log'), 'utf8').split('\n')[1] as string;
    await forged.close();
    expect(JSON.parse(fake).seq).toBe(third.seq - 1);
    rewrite([lines[0], fake, lines[2]] as string[]);
    expect(await verifyAuditLog(path)).toMatchObject({ ok: false, line: 2, reason: 'reordered' });
  });

  it('refuses to record after close, a bad path, and a file that is not an audit log', async () => {
    const audit = createAuditLog({ path });
    await audit.close();
    await audit[Symbol.asyncDispose]();
    expect(() => audit.record({})).toThrow(/closed/);
    expect(() => createAuditLog({ path: '' })).toThrow(ConfigurationError);
    expect(() => createAuditLog({ path: dir })).toThrow(ConfigurationError);
    writeFileSync(join(dir, 'plain.log'), 'hello\n');
    expect(() => createAuditLog({ path: join(dir, 'plain.log') })).toThrow(ConfigurationError);
    writeFileSync(join(dir, 'json.log'), '{"a":1}\n');
    expect(() => createAuditLog({ path: join(dir, 'json.log') })).toThrow(ConfigurationError);
  });
});
