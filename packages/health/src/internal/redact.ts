import type { RedactFn } from './outcome.js';

const CENSOR = '[REDACTED]';
const SECRET_KEY = /pass(word)?|secret|token|authorization|cookie|api[-_]?key|credential/i;
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]*(?::[^/\s@]*)?@/gi;
const BEARER = /\bBearer\s+[A-Za-z0-9._~+/-]+=*/g;
const JWT = /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g;

function redactString(text: string): string {
  return text
    .replace(URL_CREDENTIALS, `$1${CENSOR}@`)
    .replace(BEARER, `Bearer ${CENSOR}`)
    .replace(JWT, CENSOR);
}

function redactValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactString(value);
  if (typeof value !== 'object' || value === null || depth > 8) return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) ? CENSOR : redactValue(item, depth + 1);
  }
  return out;
}

/** The default redactor: credentials in URLs, bearer tokens, JWTs and values under secret-named keys. */
export const defaultRedact: RedactFn = (value) => redactValue(value, 0);
