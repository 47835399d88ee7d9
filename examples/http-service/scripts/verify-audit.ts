import { parseArgs } from 'node:util';
import type { AuditReceipt } from '@ballast/logger';
import { auditHeadKey, checkAuditLog, readAuditHead } from '../src/audit.js';

// `pnpm --filter http-service verify:audit audit.log [--head 12:ab…] [--redis redis://…]`:
// re-computes the audit log's hash chain and names the first bad line. Exit code 0 when the
// chain is intact, 1 when it is not, 2 for a usage error. The head receipt (the seq and hash
// of the last record the service wrote, kept where whoever can edit the file cannot) also
// catches lines cut off the end, or the last records rewritten with fresh hashes.
const USAGE = `usage: verify-audit <audit.log> [--head <seq>:<hash>] [--redis <url> [--prefix http-service:] [--key <key>]]

  --head    the receipt of the last record, e.g. from the service's "audit record written" log line
  --redis   read that receipt from Redis, where the service keeps it (key <prefix>audit:head:<file name>)`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function headArg(text: string): AuditReceipt {
  const match = /^(\d+):([\da-f]{64})$/.exec(text);
  if (!match) fail(`--head must be <seq>:<64 hex digits>, not "${text}"`);
  return { seq: Number(match[1]), hash: match[2] as string };
}

const parse = () =>
  parseArgs({
    allowPositionals: true,
    options: {
      head: { type: 'string' },
      redis: { type: 'string' },
      prefix: { type: 'string', default: 'http-service:' },
      key: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (error) {
    fail((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1) fail('give exactly one audit log file');
  const path = positionals[0] as string;
  if (values.head !== undefined && values.redis !== undefined) fail('give --head or --redis, not both');
  let head = values.head === undefined ? undefined : headArg(values.head);
  if (values.redis !== undefined) {
    const { Redis } = await import('ioredis');
    const redis = new Redis(values.redis, { maxRetriesPerRequest: 1, lazyConnect: true });
    const key = values.key ?? auditHeadKey(values.prefix, path);
    try {
      await redis.connect();
      head = await readAuditHead(redis, key);
    } catch (error) {
      console.error(`✗ could not read the head receipt from ${values.redis}: ${(error as Error).message}`);
      return 2;
    } finally {
      redis.disconnect();
    }
    if (head === undefined) {
      console.error(`✗ no head receipt under ${key}: the log cannot be checked for lines cut off its end`);
      return 1;
    }
  }
  try {
    const { verification, text } = await checkAuditLog(path, head);
    (verification.ok ? console.log : console.error)(text);
    return verification.ok ? 0 : 1;
  } catch (error) {
    console.error(`✗ ${path}: ${(error as Error).message}`);
    return 2;
  }
}

main().then((code) => process.exit(code));
