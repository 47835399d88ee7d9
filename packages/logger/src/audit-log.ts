import { createHash } from 'node:crypto';
import { closeSync, createReadStream, fstatSync, fsyncSync, mkdirSync, openSync, readSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { type Clock, systemClock } from '@ballast/core';
import { invalidOption } from '@ballast/errors';
import { writeFully } from './internal/batch.js';
import { booleanOption, optionsObject } from './internal/options.js';
import { compileRedaction, type RedactOption } from './internal/redaction.js';
import { valueJson } from './internal/serialize.js';

/** Options for {@link createAuditLog}. */
export interface AuditLogOptions {
  /** The append-only file; created with its folder when missing, continued when present. */
  path: string;
  /**
   * `fsync` after every record, so an acknowledged record survives a power cut.
   * @defaultValue `true`
   */
  fsync?: boolean;
  /**
   * Redaction of events, as for loggers; secure defaults on.
   * @defaultValue default keys and patterns
   */
  redact?: RedactOption;
  /** @defaultValue `systemClock` */
  clock?: Clock;
}

/** Where a record landed in the chain. */
export interface AuditReceipt {
  seq: number;
  hash: string;
}

/** An append-only, hash-chained audit trail. */
export interface AuditLog {
  /**
   * Appends one event synchronously (never sampled, deduplicated or buffered) as
   * `{"seq","time","event","prev_hash","hash"}`, where `hash` is the SHA-256 of the
   * previous hash and the line up to `prev_hash`.
   */
  record(event: Record<string, unknown>): AuditReceipt;
  /** Closes the file; later records throw. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const AUDIT_KEYS = ['path', 'fsync', 'redact', 'clock'] as const satisfies ReadonlyArray<
  keyof AuditLogOptions
>;

/** The `prev_hash` of the first record. */
export const GENESIS_HASH = '0'.repeat(64);
const HASH_KEY = ',"hash":"';

function digest(prev: string, body: string): string {
  return createHash('sha256').update(prev).update('\n').update(body).digest('hex');
}

function lastLine(fd: number): string | undefined {
  const size = fstatSync(fd).size;
  if (size === 0) return undefined;
  const length = Math.min(size, 1 << 20);
  const buffer = Buffer.alloc(length);
  readSync(fd, buffer, 0, length, size - length);
  const lines = buffer
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '');
  return lines[lines.length - 1];
}

/**
 * Opens a hash-chained audit log: each record is appended with `seq`,
 * `prev_hash` and `hash`, so {@link verifyAuditLog} finds any line altered,
 * removed or moved afterwards. Continues the chain of an existing file.
 *
 * @throws ConfigurationError when the path cannot be opened for appending, the
 * existing file's last line is not an audit record, or an option is unknown or invalid.
 */
export function createAuditLog(options: AuditLogOptions): AuditLog {
  if (options === undefined || options === null) {
    throw invalidOption('createAuditLog', options, `an options object with ${AUDIT_KEYS.join(', ')}`);
  }
  const { path, clock = systemClock } = optionsObject('createAuditLog', options, AUDIT_KEYS);
  const fsync = booleanOption('createAuditLog.fsync', options.fsync, true);
  if (typeof path !== 'string' || path === '')
    throw invalidOption('createAuditLog.path', path, 'a file path');
  const scrub = compileRedaction(options.redact);
  let fd: number;
  try {
    mkdirSync(dirname(path), { recursive: true });
    fd = openSync(path, 'a+');
  } catch (error) {
    throw invalidOption('createAuditLog.path', path, `a writable file path (${(error as Error).message})`);
  }
  let seq = 0;
  let prev = GENESIS_HASH;
  const last = lastLine(fd);
  if (last !== undefined) {
    try {
      const entry = JSON.parse(last) as { seq: number; hash: string };
      if (!Number.isInteger(entry.seq) || typeof entry.hash !== 'string')
        throw new Error('not an audit record');
      seq = entry.seq;
      prev = entry.hash;
    } catch {
      closeSync(fd);
      throw invalidOption(
        'createAuditLog.path',
        path,
        'an audit log file (its last line is not an audit record)',
      );
    }
  }
  let open = true;
  const close = async (): Promise<void> => {
    if (!open) return;
    open = false;
    closeSync(fd);
  };
  return {
    record(event) {
      if (!open) throw new Error('The audit log is closed.');
      const next = seq + 1;
      const body = `{"seq":${next},"time":"${new Date(clock.now()).toISOString()}","event":${valueJson(event, scrub, undefined)},"prev_hash":"${prev}"`;
      const hash = digest(prev, body);
      writeFully(fd, `${body}${HASH_KEY}${hash}"}\n`);
      if (fsync) fsyncSync(fd);
      seq = next;
      prev = hash;
      return { seq, hash };
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** The result of {@link verifyAuditLog}. */
export type AuditVerification =
  | { ok: true; records: number }
  | {
      ok: false;
      /** Records verified before the problem. */
      records: number;
      /** 1-based line number of the first bad line. */
      line: number;
      /**
       * `'altered'`: the hash does not match the line; `'malformed'`: not an audit
       * record; `'missing'`: `seq` skips a record found nowhere later in the file;
       * `'reordered'`: `seq` skips a record that comes later (swapped or moved
       * lines), goes back, or `prev_hash` does not link to the previous record.
       */
      reason: 'malformed' | 'altered' | 'missing' | 'reordered';
    };

/**
 * Re-computes the chain of an audit log and reports the first line that was
 * altered (its hash does not match), is malformed, or breaks the chain: its `seq`
 * jumps ahead and the skipped record is nowhere later in the file (`missing`), its
 * `seq` jumps ahead and the skipped record does appear later, or goes back, or its
 * `prev_hash` does not link to the previous record (`reordered`).
 */
export async function verifyAuditLog(path: string): Promise<AuditVerification> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  let prev = GENESIS_HASH;
  let records = 0;
  let number = 0;
  // A seq that jumped ahead: missing, unless the skipped record turns up later.
  let skipped: { line: number; seq: number } | undefined;
  const fail = (
    reason: 'malformed' | 'altered' | 'missing' | 'reordered',
    line = number,
  ): AuditVerification => {
    lines.close();
    return { ok: false, records, line, reason };
  };
  for await (const line of lines) {
    number++;
    if (line === '') continue;
    let entry: { seq?: unknown; prev_hash?: unknown; hash?: unknown } | undefined;
    try {
      entry = JSON.parse(line);
    } catch {
      entry = undefined;
    }
    if (skipped !== undefined) {
      if (entry?.seq === skipped.seq) return fail('reordered', skipped.line);
      continue;
    }
    const cut = line.lastIndexOf(HASH_KEY);
    if (
      entry === undefined ||
      cut === -1 ||
      typeof entry.seq !== 'number' ||
      typeof entry.hash !== 'string'
    ) {
      return fail('malformed');
    }
    const body = line.slice(0, cut);
    if (
      digest(String(entry.prev_hash), body) !== entry.hash ||
      `${body}${HASH_KEY}${entry.hash}"}` !== line
    ) {
      return fail('altered');
    }
    if (entry.seq > records + 1) {
      skipped = { line: number, seq: records + 1 };
      continue;
    }
    if (entry.seq !== records + 1 || entry.prev_hash !== prev) return fail('reordered');
    prev = entry.hash;
    records++;
  }
  if (skipped !== undefined) return { ok: false, records, line: skipped.line, reason: 'missing' };
  return { ok: true, records };
}
