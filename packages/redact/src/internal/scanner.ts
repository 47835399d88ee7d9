import type { RedactPattern } from '../types.js';

/** A pattern ready to run: a global regex (with indices when a group is the secret). */
export interface CompiledPattern {
  readonly regex: RegExp;
  readonly group: number;
  readonly validate: ((secret: string) => boolean) | undefined;
  readonly minLength: number;
}

/** Replaces the secret part of a match; receives the secret. */
export type Replace = (secret: string) => string;

/** A literal a match starts with, and the pattern it belongs to. */
interface PrefixGate {
  readonly prefix: string;
  readonly pattern: number;
}

/** A character a match contains (`count` of them, counting all the pattern's characters). */
interface CharGate {
  readonly pattern: number;
  readonly count: number;
}

/** How many clean strings a scanner remembers. */
const CLEAN_LIMIT = 2048;
/** The longest string remembered as clean. */
const CLEAN_MAX_LENGTH = 256;
/**
 * How many longer strings (stack traces, SQL, request bodies) a scanner remembers as clean:
 * few, as each may be long, but an error logged again carries the same stack, whose scan
 * (a character loop, then the URL patterns its `file://` frames wake) costs far more than
 * the lookup.
 */
const LONG_CLEAN_LIMIT = 32;
/** The longest string remembered as clean: V8 hashes strings up to this length in full. */
const LONG_CLEAN_MAX_LENGTH = 16_383;
const ALWAYS = 0;
const HINTED = 1;
const GATED = 2;
/** Two 7-bit ASCII characters make a bigram's index. */
const BIGRAMS = 1 << 14;

/**
 * The compiled detectors. Most run behind one character loop over the string (the gate):
 * each pattern names the literals its matches start with (`ghp_`, `sk_live_`) or the
 * characters they contain (`=`, `~`), the loop looks every character pair up in a table and
 * notes which patterns can match, and only those run. A string without a trigger costs that
 * one loop. Patterns that only give a `hint` share one regular-expression pre-check; the
 * rest run on every string.
 */
export interface Scanner {
  readonly patterns: readonly CompiledPattern[];
  readonly kinds: Uint8Array;
  /** Index + 1 into `prefixGates` for each pair of ASCII characters (`first << 7 | second`). */
  readonly bigrams: Uint8Array | Uint16Array;
  readonly prefixGates: readonly (readonly PrefixGate[])[];
  /** Index + 1 into `charGates` for each ASCII character. */
  readonly chars: Uint8Array | Uint16Array;
  readonly charGates: readonly (readonly CharGate[])[];
  /** The shortest string a gated pattern can match. */
  readonly minGated: number;
  /** The shortest string any pattern can match. */
  readonly minLength: number;
  readonly prefilter: RegExp | null;
  /** The shortest string any hinted pattern can match. */
  readonly minHinted: number;
  readonly hasAlways: boolean;
  /**
   * Short strings recently found to hold no secret: log lines repeat their methods, hosts,
   * content types and messages, and a string seen clean is not scanned again. Bounded
   * ({@link CLEAN_LIMIT} strings of up to {@link CLEAN_MAX_LENGTH} characters), emptied when full.
   */
  readonly clean: Set<string>;
  /**
   * Longer strings the patterns ran over and found clean: at most {@link LONG_CLEAN_LIMIT} of
   * up to {@link LONG_CLEAN_MAX_LENGTH} characters.
   */
  readonly cleanLong: Set<string>;
  /** Scratch for the gate: the scan a pattern was last noted in, and its character count. */
  readonly seen: Uint32Array;
  readonly counts: Uint32Array;
  /** The scan each count belongs to. */
  readonly counted: Uint32Array;
  generation: number;
}

function compile(pattern: RedactPattern | RegExp): CompiledPattern {
  const source = pattern instanceof RegExp ? pattern : pattern.regex;
  const group = pattern instanceof RegExp ? 0 : (pattern.group ?? 0);
  let flags = source.flags.replace(/[gyd]/g, '');
  flags += group > 0 ? 'gd' : 'g';
  return {
    regex: new RegExp(source.source, flags),
    group,
    validate: pattern instanceof RegExp ? undefined : pattern.validate,
    minLength: pattern instanceof RegExp ? 0 : (pattern.minLength ?? 0),
  };
}

/** Whether a pattern names literals or characters the gate can look for (an empty list names none). */
function isGated(pattern: RedactPattern | RegExp): boolean {
  return (
    !(pattern instanceof RegExp) &&
    ((pattern.prefixes?.length ?? 0) > 0 || (pattern.triggers?.length ?? 0) > 0)
  );
}

function pushAt<T>(index: Int32Array, lists: T[][], key: number, item: T): void {
  if (index[key] === 0) {
    lists.push([]);
    index[key] = lists.length;
  }
  lists[index[key]! - 1]!.push(item);
}

/** Compiles detectors once; `null` when there are none. */
export function compileScanner(patterns: readonly (RedactPattern | RegExp)[]): Scanner | null {
  if (patterns.length === 0) return null;
  const compiled: CompiledPattern[] = [];
  const kinds = new Uint8Array(patterns.length);
  const bigrams = new Int32Array(BIGRAMS);
  const chars = new Int32Array(128);
  const prefixGates: PrefixGate[][] = [];
  const charGates: CharGate[][] = [];
  const hints: string[] = [];
  let minGated = Number.POSITIVE_INFINITY;
  let minHinted = Number.POSITIVE_INFINITY;
  let hasAlways = false;
  patterns.forEach((pattern, i) => {
    const entry = compile(pattern);
    compiled.push(entry);
    if (isGated(pattern)) {
      pattern = pattern as RedactPattern;
      kinds[i] = GATED;
      minGated = Math.min(minGated, entry.minLength);
      for (const prefix of pattern.prefixes ?? [])
        gatePrefix(prefix, i, bigrams, chars, prefixGates, charGates);
      const count = pattern.triggerCount ?? 1;
      for (const char of new Set(pattern.triggers ?? '')) {
        const code = char.charCodeAt(0);
        if (code < 128) pushAt(chars, charGates, code, { pattern: i, count });
      }
      // A non-ASCII trigger cannot be looked up in the tables: the pattern runs on every string.
      if ([...(pattern.triggers ?? '')].some((char) => char.charCodeAt(0) >= 128)) kinds[i] = ALWAYS;
    } else if (pattern instanceof RegExp || pattern.hint === undefined) {
      kinds[i] = ALWAYS;
    } else {
      kinds[i] = HINTED;
      minHinted = Math.min(minHinted, entry.minLength);
      hints.push(`(?:${pattern.hint})`);
    }
    if (kinds[i] === ALWAYS) hasAlways = true;
  });
  // A byte per entry keeps the pair table at 16 KiB, inside the L1 cache the loop reads it from.
  const narrow = prefixGates.length < 256 && charGates.length < 256;
  return {
    patterns: compiled,
    kinds,
    bigrams: narrow ? Uint8Array.from(bigrams) : Uint16Array.from(bigrams),
    prefixGates,
    chars: narrow ? Uint8Array.from(chars) : Uint16Array.from(chars),
    charGates,
    minGated,
    minLength: Math.min(...compiled.map((pattern) => pattern.minLength)),
    prefilter: hints.length > 0 ? new RegExp(hints.join('|'), 'i') : null,
    minHinted,
    hasAlways,
    clean: new Set(),
    cleanLong: new Set(),
    seen: new Uint32Array(patterns.length),
    counts: new Uint32Array(patterns.length),
    counted: new Uint32Array(patterns.length),
    generation: 0,
  };
}

/** The ASCII letter `code` in lower case; any other character as it is. */
function lower(code: number): number {
  return code >= 65 && code <= 90 ? code | 0x20 : code;
}

/** The codes `code` stands for when case is ignored: both cases of a letter. */
function cases(code: number): number[] {
  const low = lower(code);
  return low >= 97 && low <= 122 ? [low, low - 32] : [code];
}

function gatePrefix(
  prefix: string,
  pattern: number,
  bigrams: Int32Array,
  chars: Int32Array,
  prefixGates: PrefixGate[][],
  charGates: CharGate[][],
): void {
  const folded = prefix.toLowerCase();
  const first = folded.charCodeAt(0);
  const second = folded.charCodeAt(1);
  if (folded.length >= 2 && first < 128 && second < 128 && folded.length === prefix.length) {
    for (const a of cases(first)) {
      for (const b of cases(second)) pushAt(bigrams, prefixGates, (a << 7) | b, { prefix: folded, pattern });
    }
  } else if (prefix.length >= 1 && first < 128) {
    for (const a of cases(first)) pushAt(chars, charGates, a, { pattern, count: 1 });
  } else {
    // An empty or non-ASCII prefix gates nothing: the pattern is a candidate for every string.
    pushAt(chars, charGates, 0, { pattern, count: 0 });
  }
}

/** Whether `text` holds `folded` (in lower case) at `at`, ignoring the case of ASCII letters. */
function holdsAt(text: string, folded: string, at: number): boolean {
  if (at < 0 || at + folded.length > text.length) return false;
  for (let j = 0; j < folded.length; j++) {
    if (lower(text.charCodeAt(at + j)) !== folded.charCodeAt(j)) return false;
  }
  return true;
}

/**
 * The gated patterns that can match in `text`, in the order met; `undefined` when none can.
 * One pass over the characters with two table lookups each; the rare hit is handled out of
 * line so the loop stays small enough to compile tight.
 */
function gate(scanner: Scanner, text: string): number[] | undefined {
  const { bigrams, chars } = scanner;
  const generation = nextGeneration(scanner);
  let hits: number[] | undefined = chars[0] === 0 ? undefined : noteChar(scanner, 1, generation, undefined);
  let prev = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 128) {
      prev = 0;
      continue;
    }
    const byChar = chars[code]!;
    if (byChar !== 0) hits = noteChar(scanner, byChar, generation, hits);
    const byPair = bigrams[(prev << 7) | code]!;
    if (byPair !== 0) hits = notePrefix(scanner, byPair, generation, hits, text, i - 1);
    prev = code;
  }
  return hits;
}

/** A number no mark in the scratch arrays carries yet (they are cleared when it wraps). */
function nextGeneration(scanner: Scanner): number {
  scanner.generation = (scanner.generation + 1) >>> 0;
  if (scanner.generation === 0) {
    scanner.seen.fill(0);
    scanner.counted.fill(0);
    scanner.generation = 1;
  }
  return scanner.generation;
}

/** Notes the patterns a character triggers (counting, for those needing several). */
function noteChar(scanner: Scanner, gateId: number, generation: number, hits: number[] | undefined) {
  const { seen, counts, counted } = scanner;
  for (const { pattern, count } of scanner.charGates[gateId - 1]!) {
    if (seen[pattern] === generation) continue;
    if (count > 1) {
      // Counts are kept per scan: a count left from another string starts again at 1.
      const so = counted[pattern] === generation ? counts[pattern]! + 1 : 1;
      counted[pattern] = generation;
      counts[pattern] = so;
      if (so < count) continue;
    }
    seen[pattern] = generation;
    hits ??= [];
    hits.push(pattern);
  }
  return hits;
}

/** Notes the patterns whose literal starts at `at` (its first two characters matched). */
function notePrefix(
  scanner: Scanner,
  gateId: number,
  generation: number,
  hits: number[] | undefined,
  text: string,
  at: number,
) {
  const { seen } = scanner;
  for (const { prefix, pattern } of scanner.prefixGates[gateId - 1]!) {
    if (seen[pattern] !== generation && holdsAt(text, prefix, at)) {
      seen[pattern] = generation;
      hits ??= [];
      hits.push(pattern);
    }
  }
  return hits;
}

/** `text` with every detected secret replaced; the same string when nothing matched. */
export function scan(scanner: Scanner, text: string, replace: Replace): string {
  // Shorter than any pattern can match (`GET`, `200`): nothing to look up or scan.
  if (text.length < scanner.minLength) return text;
  const short = text.length <= CLEAN_MAX_LENGTH;
  if (short ? scanner.clean.has(text) : knownClean(scanner, text)) return text;
  const out = scanFresh(scanner, text, replace);
  if (short && out === text) {
    if (scanner.clean.size >= CLEAN_LIMIT) scanner.clean.clear();
    scanner.clean.add(text);
  }
  return out;
}

/**
 * Whether a longer string was found clean by the patterns before (a repeated stack trace).
 * V8 keeps a string's hash once computed, so asking again for the same string is cheap.
 */
function knownClean(scanner: Scanner, text: string): boolean {
  return text.length <= LONG_CLEAN_MAX_LENGTH && scanner.cleanLong.has(text);
}

/**
 * Remembers a longer string the patterns ran over and found clean. One the gate let through
 * without running any is not: its scan was the gate's loop alone, cheaper than keeping it.
 */
function rememberClean(scanner: Scanner, text: string): void {
  if (text.length <= CLEAN_MAX_LENGTH || text.length > LONG_CLEAN_MAX_LENGTH) return;
  if (scanner.cleanLong.size >= LONG_CLEAN_LIMIT) scanner.cleanLong.clear();
  scanner.cleanLong.add(text);
}

function scanFresh(scanner: Scanner, text: string, replace: Replace): string {
  const gated = text.length >= scanner.minGated ? gate(scanner, text) : undefined;
  // Patterns run in their given order; the gate noted them in the order it met them.
  if (gated !== undefined && gated.length > 1) gated.sort(byIndex);
  if (scanner.prefilter === null && !scanner.hasAlways) {
    if (gated === undefined) return text;
    let out = text;
    for (let i = 0; i < gated.length; i++)
      out = applyIfLongEnough(scanner.patterns[gated[i]!]!, out, replace);
    if (out === text) rememberClean(scanner, text);
    return out;
  }
  const hinted =
    scanner.prefilter !== null && text.length >= scanner.minHinted && scanner.prefilter.test(text);
  const { patterns, kinds } = scanner;
  let out = text;
  let next = 0;
  for (let i = 0; i < patterns.length; i++) {
    const kind = kinds[i];
    if (kind === GATED) {
      if (gated === undefined || gated[next] !== i) continue;
      next++;
    } else if (kind === HINTED && !hinted) {
      continue;
    }
    out = applyIfLongEnough(patterns[i]!, out, replace);
  }
  if (out === text) rememberClean(scanner, text);
  return out;
}

const byIndex = (a: number, b: number): number => a - b;

function applyIfLongEnough(pattern: CompiledPattern, text: string, replace: Replace): string {
  return text.length >= pattern.minLength ? applyPattern(pattern, text, replace) : text;
}

// Appends to every secret it gets: whatever a pattern replaced, the text comes out longer.
const mark: Replace = (secret) => `${secret} `;

/** Whether a detector finds a secret in `text`; calls no censor. */
export function detects(scanner: Scanner, text: string): boolean {
  return scan(scanner, text, mark) !== text;
}

function applyPattern(pattern: CompiledPattern, text: string, replace: Replace): string {
  const { regex, group, validate } = pattern;
  regex.lastIndex = 0;
  let result = '';
  let copied = 0;
  let changed = false;
  let match = regex.exec(text);
  while (match !== null) {
    if (match[0].length === 0) {
      regex.lastIndex++;
    } else {
      let start = match.index;
      let end = start + match[0].length;
      if (group > 0) {
        const span = match.indices?.[group];
        if (span === undefined) {
          match = regex.exec(text);
          continue;
        }
        [start, end] = span;
      }
      const secret = text.slice(start, end);
      if (end > start && (validate === undefined || validate(secret))) {
        // `replace` may run host code that re-enters this redactor and reuses the regex.
        const resume = regex.lastIndex;
        result += text.slice(copied, start) + replace(secret);
        regex.lastIndex = resume;
        copied = end;
        changed = true;
      }
    }
    match = regex.exec(text);
  }
  if (!changed) return text;
  return result + text.slice(copied);
}
