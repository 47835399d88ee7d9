/** node:crypto, loaded on first use: importing it costs more than this whole module. */
let crypto: typeof import('node:crypto') | undefined;
const nodeCrypto = () => (crypto ??= process.getBuiltinModule('node:crypto'));

/** The `prev_hash` of the first record. */
export const GENESIS_HASH = '0'.repeat(64);

/** What separates a record's hashed body from its hash: `{…,"prev_hash":"…"` + this + `hash"}`. */
export const HASH_KEY = ',"hash":"';

/** The hash of a record: SHA-256 of the previous hash and the record's body. */
export function digest(prev: string, body: string): string {
  return nodeCrypto().createHash('sha256').update(prev).update('\n').update(body).digest('hex');
}

/** The fields of a line that looks like an audit record (whether its hash is right is another matter). */
export interface AuditEntry {
  seq: number;
  prev_hash: unknown;
  hash: string;
  /** The line up to its hash: what `hash` covers. */
  body: string;
}

/** The record a line holds, or undefined when it is not one (not JSON, or no numeric `seq` or string `hash`). */
export function auditEntry(line: string): AuditEntry | undefined {
  let entry: { seq?: unknown; prev_hash?: unknown; hash?: unknown };
  try {
    entry = JSON.parse(line);
  } catch {
    return undefined;
  }
  const cut = line.lastIndexOf(HASH_KEY);
  if (typeof entry !== 'object' || entry === null || cut === -1) return undefined;
  if (typeof entry.seq !== 'number' || typeof entry.hash !== 'string') return undefined;
  return { seq: entry.seq, prev_hash: entry.prev_hash, hash: entry.hash, body: line.slice(0, cut) };
}

/** Whether a record's hash matches its body and the line is exactly as the writer writes it. */
export function isIntact(entry: AuditEntry, line: string): boolean {
  return (
    digest(String(entry.prev_hash), entry.body) === entry.hash &&
    `${entry.body}${HASH_KEY}${entry.hash}"}` === line
  );
}
