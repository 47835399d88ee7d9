import {
  appendFileSync,
  closeSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { type Clock, systemClock } from '@ballast/core';
import { invalidOption, isBallastError } from '@ballast/errors';
import { auditEntry, digest, GENESIS_HASH, HASH_KEY, isIntact } from './internal/audit-chain.js';
import { writeFully } from './internal/batch.js';
import { booleanOption, optionsObject } from './internal/options.js';
import { compileRedaction, type RedactOption } from './internal/redaction.js';
import { reportProblem } from './internal/report.js';
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
  /** The source of each record's `time`. @defaultValue `systemClock` */
  clock?: Clock;
}

/**
 * Where a record landed in the chain. Keep the receipt of the last record somewhere the
 * log's readers cannot write (a database row, another host) and pass it to
 * {@link verifyAuditLog} as `head`: a log cut short, or rewritten from some record on,
 * then fails to verify.
 */
export interface AuditReceipt {
  /** The record's sequence number: 1 for the first record of a file, then one more per record. */
  seq: number;
  /** The record's SHA-256 chain hash (hex), which the next record names as `prev_hash`. */
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
  /** Closes the log, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

const AUDIT_KEYS = ['path', 'fsync', 'redact', 'clock'] as const satisfies ReadonlyArray<
  keyof AuditLogOptions
>;

export { GENESIS_HASH } from './internal/audit-chain.js';

const NEWLINE = 0x0a;

/** Where the line that ends at byte `end` starts: just past the `\n` before it, or 0. */
function lineStart(fd: number, end: number): number {
  const chunk = Buffer.alloc(Math.min(end, 1 << 16));
  for (let to = end; to > 0; ) {
    const from = Math.max(0, to - chunk.length);
    const read = readSync(fd, chunk, 0, to - from, from);
    const at = chunk.subarray(0, read).lastIndexOf(NEWLINE);
    if (at !== -1) return from + at + 1;
    to = from;
  }
  return 0;
}

function readRange(fd: number, from: number, to: number): Buffer {
  const bytes = Buffer.alloc(to - from);
  readSync(fd, bytes, 0, bytes.length, from);
  return bytes;
}

/** The first bytes of every record: a cut-short line starts with them, or with a part of them. */
const RECORD_START = '{"seq":';

const NOT_AN_AUDIT_LOG = 'an audit log file (its last line is not an audit record)';

/** Whether the bytes from `from` to `to` begin as a record does (or are a cut-short beginning of one). */
function startsLikeRecord(fd: number, from: number, to: number): boolean {
  const head = readRange(fd, from, Math.min(to, from + RECORD_START.length)).toString('utf8');
  return RECORD_START.startsWith(head);
}

/** Where the chain of an existing file ends. */
interface ChainEnd {
  /** The record's sequence number: 1 for the first record of a file, then one more per record. */
  seq: number;
  /** The record's SHA-256 chain hash (hex), which the next record names as `prev_hash`. */
  hash: string;
}

/**
 * Reads where the chain of the file ends, mending its tail first: a last line without its
 * `\n` is a write cut short by a crash. A complete record only lost its newline, which is
 * added; anything else was never acknowledged (`record()` had not returned): it is moved to
 * `<path>.torn` and reported on stderr, and the chain goes on from the last complete record.
 * Nothing is changed in a file that is not an audit log.
 */
function chainEnd(fd: number, path: string): ChainEnd {
  const size = fstatSync(fd).size;
  const start = lineStart(fd, size);
  // The last complete line, skipping blank ones: `end` is just past a newline, or 0.
  let last: string | undefined;
  for (let end = start; end > 0 && last === undefined; ) {
    const from = lineStart(fd, end - 1);
    if (end - 1 > from) {
      // Only a line that starts like a record is read whole: not a large file that is not a log.
      if (!startsLikeRecord(fd, from, end - 1))
        throw invalidOption('createAuditLog.path', path, NOT_AN_AUDIT_LOG);
      last = readRange(fd, from, end - 1).toString('utf8');
    }
    end = from;
  }
  const entry = last === undefined ? undefined : auditEntry(last);
  if (last !== undefined && (entry === undefined || !Number.isInteger(entry.seq))) {
    throw invalidOption('createAuditLog.path', path, NOT_AN_AUDIT_LOG);
  }
  if (start < size) {
    if (!startsLikeRecord(fd, start, size))
      throw invalidOption('createAuditLog.path', path, NOT_AN_AUDIT_LOG);
    const tail = readRange(fd, start, size);
    const line = tail.toString('utf8');
    const whole = auditEntry(line);
    if (whole !== undefined && Number.isInteger(whole.seq) && isIntact(whole, line)) {
      writeFully(fd, '\n');
      return { seq: whole.seq, hash: whole.hash };
    }
    if (!line.startsWith(RECORD_START) && !RECORD_START.startsWith(line)) {
      throw invalidOption('createAuditLog.path', path, NOT_AN_AUDIT_LOG);
    }
    appendFileSync(`${path}.torn`, Buffer.concat([tail, Buffer.from('\n')]));
    ftruncateSync(fd, start);
    fsyncSync(fd);
    reportProblem(
      `audit log ${path}: its last line was cut short (${tail.length} bytes, a write interrupted by a crash); ` +
        `moved it to ${path}.torn and continued the chain from the last complete record`,
    );
  }
  return entry === undefined ? { seq: 0, hash: GENESIS_HASH } : { seq: entry.seq, hash: entry.hash };
}

/**
 * Opens a hash-chained audit log: each record is appended with `seq`,
 * `prev_hash` and `hash`, so {@link verifyAuditLog} finds any line altered,
 * removed or moved afterwards. Continues the chain of an existing file; a last line
 * cut short by a crash is moved to `<path>.torn` (and reported on stderr) first.
 *
 * @throws ConfigurationError when the path cannot be opened for appending, the
 * existing file's last complete line is not an audit record, or an option is unknown or invalid.
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
  let end: ChainEnd;
  try {
    end = chainEnd(fd, path);
  } catch (error) {
    closeSync(fd);
    if (isBallastError(error)) throw error;
    throw invalidOption('createAuditLog.path', path, `a readable audit log (${(error as Error).message})`);
  }
  let seq = end.seq;
  let prev = end.hash;
  /** The file's length after the last complete record: a failed write is cut back to it. */
  let length = fstatSync(fd).size;
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
      const line = `${body}${HASH_KEY}${hash}"}\n`;
      try {
        writeFully(fd, line);
        if (fsync) fsyncSync(fd);
      } catch (error) {
        // A disk that filled up mid-line, or an fsync that failed: cut the file back to the
        // last complete record, so the chain stays whole and the next record follows it.
        try {
          ftruncateSync(fd, length);
        } catch {
          // The torn tail is then recovered (moved to <path>.torn) when the log is next opened.
        }
        throw error;
      }
      length += Buffer.byteLength(line);
      seq = next;
      prev = hash;
      return { seq, hash };
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
