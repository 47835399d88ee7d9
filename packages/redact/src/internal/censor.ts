import type { createHmac as CreateHmac } from 'node:crypto';
import type { CensorFunction } from '../types.js';

/** How a compiled redactor replaces secrets. */
export type CompiledCensor =
  | { readonly kind: 'string'; readonly text: string }
  | { readonly kind: 'function'; readonly fn: CensorFunction }
  | { readonly kind: 'hash'; readonly key: string | Uint8Array };

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    try {
      return String(value);
    } catch {
      // A revoked proxy, or an object whose toString throws: all such values share one pseudonym.
      return '[Unserializable]';
    }
  }
}

let createHmac: typeof CreateHmac | undefined;

/**
 * `createHmac` of `node:crypto`, loaded on first use through `process.getBuiltinModule`
 * (Node, Bun, Deno) rather than imported, so this package bundles for a browser or an edge
 * runtime; `undefined` where there is no `node:crypto`, where `censor: 'hash'` is refused
 * at creation. (Web Crypto's HMAC is asynchronous; a redactor is not.)
 */
export function nodeHmac(): typeof CreateHmac | undefined {
  createHmac ??= globalThis.process?.getBuiltinModule?.('node:crypto')?.createHmac;
  return createHmac;
}

/** What a hash censor needs where it is missing, for the error refusing it. */
export const HASH_UNAVAILABLE =
  "a censor string or function: censor: 'hash' needs node:crypto (Node, Bun, Deno), which this runtime lacks";

/** The keyed pseudonym of `value`: `[REDACTED:` + 8 hex digits of HMAC-SHA-256 + `]`. Needs {@link nodeHmac}. */
export function pseudonym(key: string | Uint8Array, value: unknown): string {
  const digest = nodeHmac()!('sha256', key).update(text(value)).digest('hex');
  return `[REDACTED:${digest.slice(0, 8)}]`;
}

const PSEUDONYM = /^\[REDACTED:[0-9a-f]{8}\]$/;

/** Whether `value` is exactly what {@link pseudonym} writes. */
export function isPseudonym(value: unknown): boolean {
  return typeof value === 'string' && value.length === 19 && PSEUDONYM.test(value);
}

/**
 * What `censor: 'hash'` writes for `value`: its pseudonym, or `value` itself when it
 * already is one, so that redacting a redacted copy again changes nothing (hashing the
 * pseudonym would give another one).
 */
export function hashCensor<T>(key: string | Uint8Array, value: T): T | string {
  return isPseudonym(value) ? value : pseudonym(key, value);
}
