import { basename } from 'node:path';
import type { LoggerLike } from '@ballast/core';
import {
  type AuditProblem,
  type AuditReceipt,
  type AuditVerification,
  createAuditLog,
  verifyAuditLog,
} from '@ballast/logger';
import type { Redis } from 'ioredis';

/** One privileged action, as the audit trail records it. */
export interface AuditEvent {
  /** What was done: `silence.create`, `cache.purge`, `chaos.change`, `admin.denied`… */
  action: string;
  /** Who did it: the admin's name, or `anonymous` for a refused attempt. */
  actor: string;
  /** `ok`, `denied` (no or a wrong token) or `invalid` (a bad request by an admin). */
  outcome: 'ok' | 'denied' | 'invalid';
  /** The request id, to find the request's log lines. */
  request_id: string;
  /** The client address. */
  ip: string;
  /** What the action applied to. */
  target?: Record<string, unknown>;
  /** Why (the admin's reason, or why it was refused). */
  reason?: string;
}

/** The service's audit trail of privileged actions. */
export interface AuditTrail {
  /** The audit log file. */
  readonly path: string;
  /** The Redis key holding the receipt of the last record (with Redis). */
  readonly headKey: string | undefined;
  /** Appends (and fsyncs) one record before the action's answer is sent; returns its receipt. */
  record(event: AuditEvent): AuditReceipt;
  /** Waits for the last receipt to reach Redis, then closes the file. */
  close(): Promise<void>;
}

/** The Redis key that holds the last receipt of the audit log at `path`. */
export function auditHeadKey(prefix: string, path: string): string {
  return `${prefix}audit:head:${basename(path)}`;
}

/**
 * Opens the hash-chained audit log (`createAuditLog`: each record names the hash of the
 * one before, so an edited, removed or reordered line breaks the chain) and anchors its
 * end outside the file: the receipt of every record goes to the service's log and, with
 * Redis, to `headKey`. Whoever can rewrite the file can recompute every hash after the
 * line they changed, or cut the last lines off; the receipt kept elsewhere catches both
 * (`scripts/verify-audit.ts --redis`).
 */
export function openAuditTrail(options: {
  path: string;
  logger: LoggerLike;
  redis?: Redis | undefined;
  prefix?: string;
}): AuditTrail {
  const log = createAuditLog({ path: options.path });
  const { logger, redis } = options;
  const headKey =
    redis === undefined ? undefined : auditHeadKey(options.prefix ?? 'http-service:', options.path);
  let anchored: Promise<unknown> = Promise.resolve();
  return {
    path: options.path,
    headKey,
    record(event) {
      const receipt = log.record({ ...event });
      logger.info(
        { audit: { ...receipt, action: event.action, outcome: event.outcome } },
        'audit record written',
      );
      if (redis !== undefined && headKey !== undefined) {
        // One connection runs commands in order, so the key always ends on the latest receipt.
        anchored = redis
          .set(headKey, JSON.stringify(receipt))
          .catch((error: unknown) =>
            logger.warn({ err: error, audit: receipt }, 'audit head not saved to Redis'),
          );
      }
      return receipt;
    },
    close: async () => {
      await anchored;
      await log.close();
    },
  };
}

/** Reads the receipt `openAuditTrail` saved under `key`, if any. */
export async function readAuditHead(redis: Redis, key: string): Promise<AuditReceipt | undefined> {
  const text = await redis.get(key);
  return text === null ? undefined : (JSON.parse(text) as AuditReceipt);
}

const EXPLAIN: Record<AuditProblem, string> = {
  altered:
    'the line was changed after it was written (its hash, or the next line’s link to it, does not match)',
  malformed: 'the line is not an audit record',
  torn: 'the last line is unfinished: a write cut short by a crash',
  missing: 'a record was removed here (its sequence number is skipped)',
  reordered: 'records were moved or swapped',
  truncated: 'the file ends before the last record the service acknowledged (lines were cut off the end)',
};

const records = (n: number): string => `${n} record${n === 1 ? '' : 's'}`;

/** Verifies an audit log (against `head`, the last receipt, when given) and says what was found. */
export async function checkAuditLog(
  path: string,
  head?: AuditReceipt,
): Promise<{ verification: AuditVerification; text: string }> {
  const verification = await verifyAuditLog(path, head === undefined ? {} : { head });
  const text = verification.ok
    ? `✓ ${path}: ${records(verification.records)}, chain intact${
        head === undefined
          ? ' (no head receipt given: lines cut off the end would go unnoticed)'
          : `, ends at the head receipt (seq ${head.seq})`
      }`
    : `✗ ${path}: line ${verification.line}: ${verification.reason}: ${EXPLAIN[verification.reason]}; ${records(verification.records)} verified before it`;
  return { verification, text };
}
