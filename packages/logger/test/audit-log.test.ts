import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@ballast/core/testing';
import { ConfigurationError } from '@ballast/errors';
import { createAuditLog, GENESIS_HASH, verifyAuditLog } from '@ballast/logger';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ballast-audit-'));
  path = join(dir, 'audit', 'trail.log');
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

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

/** A record changed by someone who also recomputed its own hash (but not the chain after it). */
function rehashed(line: string, from: string, to: string): string {
  const body = line.slice(0, line.lastIndexOf(',"hash":"')).replace(from, to);
  const { prev_hash } = JSON.parse(`${body}}`) as { prev_hash: string };
  const hash = createHash('sha256').update(prev_hash).update('\n').update(body).digest('hex');
  return `${body},"hash":"${hash}"}`;
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

  it('blames a line that was changed and re-hashed, not the line after it', async () => {
    const lines = await writeTrail(5);
    rewrite([lines[0], lines[1], rehashed(lines[2] as string, 'u3', 'u9'), lines[3], lines[4]] as string[]);
    expect(await verifyAuditLog(path)).toEqual({ ok: false, records: 2, line: 3, reason: 'altered' });
    rewrite([lines[0], lines[1], lines[2], rehashed(lines[3] as string, 'u4', 'u9'), lines[4]] as string[]);
    expect(await verifyAuditLog(path)).toEqual({ ok: false, records: 3, line: 4, reason: 'altered' });
    // A first record chained to something before it cannot blame a line before it.
    rewrite([
      rehashed(lines[0] as string, `"prev_hash":"${GENESIS_HASH}"`, `"prev_hash":"${'f'.repeat(64)}"`),
    ]);
    expect(await verifyAuditLog(path)).toEqual({ ok: false, records: 0, line: 1, reason: 'reordered' });
  });

  it('finds lines deleted from the end, and a last record re-hashed, given the head receipt', async () => {
    const audit = createAuditLog({ path, fsync: false });
    let head = audit.record({ action: 'a' });
    for (const action of ['b', 'c', 'd']) head = audit.record({ action });
    await audit.close();
    const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
    expect(await verifyAuditLog(path, { head })).toEqual({ ok: true, records: 4 });
    rewrite(lines.slice(0, 2));
    expect(await verifyAuditLog(path)).toEqual({ ok: true, records: 2 }); // a shorter log, as far as it can tell
    expect(await verifyAuditLog(path, { head })).toEqual({
      ok: false,
      records: 2,
      line: 3,
      reason: 'truncated',
    });
    rewrite([...lines.slice(0, 3), rehashed(lines[3] as string, '"d"', '"x"')]);
    expect(await verifyAuditLog(path)).toEqual({ ok: true, records: 4 });
    expect(await verifyAuditLog(path, { head })).toEqual({
      ok: false,
      records: 3,
      line: 4,
      reason: 'altered',
    });
    // An older receipt still holds for a log that grew since.
    rewrite(lines);
    expect(
      await verifyAuditLog(path, { head: { seq: 2, hash: JSON.parse(lines[1] as string).hash } }),
    ).toEqual({
      ok: true,
      records: 4,
    });
    await expect(verifyAuditLog(path, { head: { seq: 0, hash: 'x' } })).rejects.toThrow(ConfigurationError);
    await expect(verifyAuditLog(path, { head: null } as never)).rejects.toThrow(ConfigurationError);
    await expect(verifyAuditLog(path, { heads: head } as never)).rejects.toThrow(ConfigurationError);
  });

  it('reports a last line cut short by a crash as torn, then moves it aside and goes on from the last record', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const lines = await writeTrail(3);
    const torn = (lines[2] as string).slice(0, 40);
    writeFileSync(path, `${lines[0]}\n${lines[1]}\n${torn}`);
    expect(await verifyAuditLog(path)).toEqual({ ok: false, records: 2, line: 3, reason: 'torn' });
    writeFileSync(path, `${lines[0]}\n${torn}\n${lines[1]}`); // not last: a malformed line
    expect(await verifyAuditLog(path)).toEqual({ ok: false, records: 1, line: 2, reason: 'malformed' });
    writeFileSync(path, `${lines[0]}\n${lines[1]}\n${torn}`);
    const audit = createAuditLog({ path, fsync: false });
    expect(audit.record({ action: 'after restart' }).seq).toBe(3);
    await audit.close();
    expect(readFileSync(`${path}.torn`, 'utf8')).toBe(`${torn}\n`);
    expect(String(stderr.mock.calls[0]?.[0])).toMatch(
      /audit log .*trail\.log: its last line was cut short \(40 bytes/,
    );
    expect(await verifyAuditLog(path)).toEqual({ ok: true, records: 3 });
    const records = readFileSync(path, 'utf8').split('\n').filter(Boolean);
    expect(JSON.parse(records[2] as string).event).toEqual({ action: 'after restart' });
  });

  it('keeps a last record that only lost its newline, and refuses a file that is not an audit log', async () => {
    const lines = await writeTrail(2);
    writeFileSync(path, `${lines[0]}\n${lines[1]}`);
    const audit = createAuditLog({ path, fsync: false });
    expect(audit.record({ action: 'next' }).seq).toBe(3);
    await audit.close();
    expect(await verifyAuditLog(path)).toEqual({ ok: true, records: 3 });
    expect(existsSync(`${path}.torn`)).toBe(false);
    writeFileSync(path, '');
    expect(await verifyAuditLog(path)).toEqual({ ok: true, records: 0 });
    const other = join(dir, 'notes.txt');
    writeFileSync(other, 'not an audit log');
    expect(() => createAuditLog({ path: other })).toThrow(ConfigurationError);
    writeFileSync(other, `${lines[0]}\nnot a record`);
    expect(() => createAuditLog({ path: other })).toThrow(ConfigurationError);
    expect(readFileSync(other, 'utf8')).toBe(`${lines[0]}\nnot a record`);
    expect(existsSync(`${other}.torn`)).toBe(false);
  });
});
