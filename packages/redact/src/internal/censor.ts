import { createHmac } from 'node:crypto';
import type { CensorFunction } from '../types.js';

/** The default replacement for a secret. */
export const DEFAULT_CENSOR = '[REDACTED]';

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

/** The keyed pseudonym of `value`: `[REDACTED:` + 8 hex digits of HMAC-SHA-256 + `]`. */
export function pseudonym(key: string | Uint8Array, value: unknown): string {
  const digest = createHmac('sha256', key).update(text(value)).digest('hex');
  return `[REDACTED:${digest.slice(0, 8)}]`;
}
