import { isErrorLike } from '@ballast/core';
import { isNormalizedWrapper, normalizeError } from './normalize-error.js';

const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const HEX_ID = /\b(?=[0-9a-f]*\d)(?:0x)?[0-9a-f]{8,}\b/gi;
const EMAIL = /[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+\b/g;
const NUMBER = /\d+(?:\.\d+)?/g;

/**
 * The message with what varies between occurrences of the same failure replaced by
 * placeholders: uuids by `<uuid>`, emails by `<email>`, numbers and hex ids (which
 * may happen to be all digits) alike by `<n>`:
 * `'User 42 not found (req 9f86d081)'` → `'User <n> not found (req <n>)'`.
 */
export function normalizeMessage(message: string): string {
  // Emails first: their domains may contain what looks like a hex id or a number.
  return message
    .replace(EMAIL, '<email>')
    .replace(UUID, '<uuid>')
    .replace(HEX_ID, '<n>')
    .replace(NUMBER, '<n>');
}

/** The first `at …` line of a stack, without query strings bundlers add to file names. */
export function topStackFrame(stack: unknown): string {
  if (typeof stack !== 'string') return '';
  for (const line of stack.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith('at ')) return trimmed.replace(/\?[^:)]*(?=:\d+:\d+)/, '');
  }
  return '';
}

/** The stack that says where the failure began: a wrapper from `normalizeError` defers to its cause. */
function originStack(error: Error): unknown {
  const wrapped = isNormalizedWrapper(error);
  const cause = error.cause;
  if (wrapped && isErrorLike(cause)) return cause.stack;
  return error.stack;
}

function fnv1a(text: string, seed: number): number {
  let hash = seed;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * A stable 16-hex-digit fingerprint grouping occurrences of the same failure: the
 * code, the message with numbers, ids, uuids and emails normalised, and the top
 * stack frame where it began. Equal fingerprints mean "the same problem" for
 * deduplication and alerting. Never throws.
 */
export function fingerprintError(error: unknown): string {
  const err = normalizeError(error);
  let frame = '';
  try {
    frame = topStackFrame(originStack(err));
  } catch {
    // An unreadable stack or cause: group by code and message alone.
  }
  const key = `${err.code}\n${normalizeMessage(err.message)}\n${frame}`;
  const high = fnv1a(key, 0x811c9dc5).toString(16).padStart(8, '0');
  const low = fnv1a(key, 0x050c5d1f).toString(16).padStart(8, '0');
  return high + low;
}
