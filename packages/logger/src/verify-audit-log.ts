import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { invalidOption } from '@ballast/errors';
import type { AuditReceipt } from './audit-log.js';
import { auditEntry, GENESIS_HASH, isIntact } from './internal/audit-chain.js';
import { optionsObject } from './internal/options.js';

/** Why a line of an audit log does not verify: see {@link AuditVerification}. */
export type AuditProblem = 'malformed' | 'altered' | 'missing' | 'reordered' | 'torn' | 'truncated';

/** The result of {@link verifyAuditLog}. */
export type AuditVerification =
  | { ok: true; records: number }
  | {
      ok: false;
      /** Records verified before the problem. */
      records: number;
      /** 1-based line number of the first bad line (for `'truncated'`, the line after the last). */
      line: number;
      /**
       * `'altered'`: the hash does not match the line, or the line after it (or the `head`
       * receipt) was chained to another hash of it (the line was changed and its hash
       * recomputed); `'malformed'`: not an audit record; `'torn'`: the last line is
       * unfinished, a write cut short by a crash (`createAuditLog` moves it to `<path>.torn`
       * when it opens the file); `'missing'`: `seq` skips a record found nowhere later in
       * the file; `'reordered'`: `seq` skips a record that comes later (swapped or moved
       * lines), goes back, or `prev_hash` links to neither the line before nor the line
       * after; `'truncated'`: the file ends before the record of the `head` receipt.
       */
      reason: AuditProblem;
    };

/** Options for {@link verifyAuditLog}. */
export interface VerifyAuditLogOptions {
  /**
   * The receipt of the last record you know was written (what `record()` returned, kept
   * where the log's readers cannot write). Without it, lines deleted from the end of the
   * file, or a last record changed and re-hashed, cannot be told from a shorter log.
   */
  head?: AuditReceipt;
}

const VERIFY_KEYS = ['head'] as const satisfies ReadonlyArray<keyof VerifyAuditLogOptions>;
const HASH = /^[\da-f]{64}$/;

function headOption(head: unknown): AuditReceipt | undefined {
  if (head === undefined) return undefined;
  const { seq, hash } = (head ?? {}) as Partial<AuditReceipt>;
  if (typeof head !== 'object' || !Number.isInteger(seq) || (seq as number) < 1 || !HASH.test(String(hash))) {
    throw invalidOption('verifyAuditLog.head', head, 'a receipt returned by record(): { seq, hash }');
  }
  return { seq: seq as number, hash: hash as string };
}

/** Whether the file is empty or ends with a newline (an unfinished last line does not). */
async function endsWithNewline(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    if (size === 0) return true;
    const { buffer } = await file.read(Buffer.alloc(1), 0, 1, size - 1);
    return buffer[0] === 0x0a;
  } finally {
    await file.close();
  }
}

/**
 * Re-computes the chain of an audit log and reports the first line that was altered, is
 * malformed or unfinished, or breaks the chain (see {@link AuditVerification} for each
 * reason). With `head`, the receipt of the last record written, a log cut short or
 * rewritten up to its end fails too.
 *
 * @throws ConfigurationError for an unknown option or a `head` that is not a receipt
 * (as a rejected promise, like a file that cannot be read).
 */
export async function verifyAuditLog(
  path: string,
  options: VerifyAuditLogOptions = {},
): Promise<AuditVerification> {
  optionsObject('verifyAuditLog', options, VERIFY_KEYS);
  const head = headOption(options.head);
  const complete = await endsWithNewline(path);
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  let prev = GENESIS_HASH;
  let records = 0;
  let number = 0;
  /** Line number of the last verified record. */
  let lastLine = 0;
  // A seq that jumped ahead: missing, unless the skipped record turns up later.
  let skipped: { line: number; seq: number } | undefined;
  // A line that does not link to the one before, though its seq follows: whose fault it is
  // is told by the next line (see below).
  let unlinked: { line: number; hash: string } | undefined;
  // A line that is no record: torn, if it turns out to be the unfinished last line.
  let malformed: number | undefined;
  /** Where the `head` record was found. */
  let atHead: { line: number; hash: string } | undefined;
  const fail = (reason: AuditProblem, line = number, verified = records): AuditVerification => {
    lines.close();
    return { ok: false, records: verified, line, reason };
  };
  for await (const line of lines) {
    number++;
    if (line === '') continue;
    if (malformed !== undefined) return fail('malformed', malformed);
    const entry = auditEntry(line);
    if (skipped !== undefined) {
      if (entry?.seq === skipped.seq) return fail('reordered', skipped.line);
      continue;
    }
    if (unlinked !== undefined) {
      // The line after links to the unlinked one: that one is in place, and the line before
      // it was changed and re-hashed. Otherwise the unlinked line is the one out of place.
      return entry?.prev_hash === unlinked.hash
        ? fail('altered', lastLine, records - 1)
        : fail('reordered', unlinked.line);
    }
    if (entry === undefined) {
      malformed = number;
      continue;
    }
    if (!isIntact(entry, line)) return fail('altered');
    if (entry.seq > records + 1) {
      skipped = { line: number, seq: records + 1 };
      continue;
    }
    if (entry.seq !== records + 1) return fail('reordered');
    if (entry.prev_hash !== prev) {
      if (records === 0) return fail('reordered');
      unlinked = { line: number, hash: entry.hash };
      continue;
    }
    if (entry.seq === head?.seq) atHead = { line: number, hash: entry.hash };
    prev = entry.hash;
    records++;
    lastLine = number;
  }
  if (malformed !== undefined) return fail(complete ? 'malformed' : 'torn', malformed);
  // The last line does not link to the one before: with nothing after it to tell, the
  // likelier change is one record re-hashed, rather than a last record forged in its place.
  if (unlinked !== undefined) return fail('altered', lastLine, records - 1);
  if (skipped !== undefined) return fail('missing', skipped.line);
  if (head !== undefined) {
    if (atHead === undefined) return fail('truncated', number + 1);
    if (atHead.hash !== head.hash) return fail('altered', atHead.line, head.seq - 1);
  }
  return { ok: true, records };
}
