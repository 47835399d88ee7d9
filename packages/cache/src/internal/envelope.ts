import { jsonSerializer, type Serializer } from '../serializer.js';
import type { CacheEntry } from '../tier.js';

/** What remote tiers store: an entry with one-letter keys, the value last. */
export interface Envelope {
  c: number;
  f: number;
  s: number;
  l: number;
  t: readonly string[];
  v: unknown;
}

/**
 * Serializes an entry for a remote tier. The header comes first and `v` last, so that
 * with the JSON serializer a read can take the header in place and parse only the value.
 */
export function encodeEntry(entry: CacheEntry, serializer: Serializer): string {
  const envelope: Envelope = {
    c: entry.createdAt,
    f: entry.freshUntil,
    s: entry.staleUntil,
    l: entry.ttl,
    t: entry.tags,
    v: entry.value,
  };
  return serializer.serialize(envelope);
}

/**
 * The entry `raw` holds, or `undefined` when it cannot be deserialized or is not an
 * envelope (the tier then deletes it and counts it as corrupt). Reads both layouts:
 * header first, and the older value-first one, parsed in full.
 */
export function decodeEntry(raw: string, serializer: Serializer): CacheEntry | undefined {
  try {
    return (
      (serializer === jsonSerializer ? decodeHeaderFirst(raw) : undefined) ??
      toEntry(serializer.deserialize(raw))
    );
  } catch {
    return undefined;
  }
}

function toEntry(raw: unknown): CacheEntry | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { v, c, f, s, l, t } = raw as Partial<Envelope>;
  if (v === undefined || typeof c !== 'number' || typeof f !== 'number' || typeof s !== 'number')
    return undefined;
  if (typeof l !== 'number' || !Array.isArray(t)) return undefined;
  return { value: v, createdAt: c, freshUntil: f, staleUntil: s, ttl: l, tags: t };
}

const NO_TAGS: readonly string[] = Object.freeze([]);

/**
 * One number of the envelope header, between `from` and `to`: whole numbers (the usual
 * epoch milliseconds) digit by digit, anything else through `Number` once it is known
 * to hold only JSON number characters. NaN when it is not a JSON number.
 */
function headerNumber(raw: string, from: number, to: number): number {
  const negative = raw.charCodeAt(from) === 45; /* - */
  let i = negative ? from + 1 : from;
  if (i >= to) return Number.NaN;
  let n = 0;
  for (; i < to; i++) {
    const digit = raw.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return otherNumber(raw, from, to);
    n = n * 10 + digit;
  }
  if (n > Number.MAX_SAFE_INTEGER) return otherNumber(raw, from, to);
  return negative ? -n : n;
}

/** A fraction or exponent; `Number` alone would also take "0x1f", " 1" or "Infinity". */
function otherNumber(raw: string, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    const code = raw.charCodeAt(i);
    const ok = (code >= 48 && code <= 57) || code === 45 || code === 46 || code === 43 || (code | 32) === 101;
    if (!ok) return Number.NaN;
  }
  return Number(raw.slice(from, to));
}

/**
 * Decodes a JSON envelope written header first (`{"c":…,"f":…,"s":…,"l":…,"t":[…],"v":…}`)
 * by reading the header fields in place and parsing only the value, so a hit costs about
 * one `JSON.parse` of the value, as a raw GET + parse does. Returns `undefined` for any
 * other layout (older envelopes put `v` first), which the caller parses in full.
 */
function decodeHeaderFirst(raw: string): CacheEntry | undefined {
  if (!raw.startsWith('{"c":')) return undefined;
  const fAt = raw.indexOf(',"f":', 5);
  const sAt = fAt < 0 ? -1 : raw.indexOf(',"s":', fAt + 5);
  const lAt = sAt < 0 ? -1 : raw.indexOf(',"l":', sAt + 5);
  const tAt = lAt < 0 ? -1 : raw.indexOf(',"t":[', lAt + 5);
  // A `,"` never occurs inside a JSON string (the quote would be escaped), so the first
  // `,"v":` after the tags is the value's key.
  const vAt = tAt < 0 ? -1 : raw.indexOf(',"v":', tAt + 6);
  if (vAt < 0 || raw.charCodeAt(raw.length - 1) !== 125 /* } */) return undefined;
  const createdAt = headerNumber(raw, 5, fAt);
  const freshUntil = headerNumber(raw, fAt + 5, sAt);
  const staleUntil = headerNumber(raw, sAt + 5, lAt);
  const ttl = headerNumber(raw, lAt + 5, tAt);
  if (!Number.isFinite(createdAt + freshUntil + staleUntil + ttl)) return undefined;
  const tags: unknown = vAt === tAt + 7 ? NO_TAGS : JSON.parse(raw.slice(tAt + 5, vAt));
  if (!Array.isArray(tags) || raw.charCodeAt(vAt - 1) !== 93 /* ] */) return undefined;
  const value: unknown = JSON.parse(raw.slice(vAt + 5, -1));
  return { value, createdAt, freshUntil, staleUntil, ttl, tags };
}
