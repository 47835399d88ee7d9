import type { RedactPattern } from '../patterns.js';

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
  readonly bigrams: Int32Array;
  readonly prefixGates: readonly (readonly PrefixGate[])[];
  /** Index + 1 into `charGates` for each ASCII character. */
  readonly chars: Int32Array;
  readonly charGates: readonly (readonly CharGate[])[];
  /** The shortest string a gated pattern can match. */
  readonly minGated: number;
  readonly prefilter: RegExp | null;
  /** The shortest string any hinted pattern can match. */
  readonly minHinted: number;
  readonly hasAlways: boolean;
  /** Scratch for the gate: the scan a pattern was last noted in, and its character count. */
  readonly seen: Uint32Array;
  readonly counts: Uint32Array;
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

function isGated(pattern: RedactPattern | RegExp): boolean {
  return !(pattern instanceof RegExp) && (pattern.prefixes !== undefined || pattern.triggers !== undefined);
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
      for (const prefix of pattern.prefixes ?? []) gatePrefix(prefix, i, bigrams, chars, prefixGates, charGates);
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
  return {
    patterns: compiled,
    kinds,
    bigrams,
    prefixGates,
    chars,
    charGates,
    minGated,
    prefilter: hints.length > 0 ? new RegExp(hints.join('|'), 'i') : null,
    minHinted,
    hasAlways,
    seen: new Uint32Array(patterns.length),
    counts: new Uint32Array(patterns.length),
    generation: 0,
  };
}

function gatePrefix(
  prefix: string,
  pattern: number,
  bigrams: Int32Array,
  chars: Int32Array,
  prefixGates: PrefixGate[][],
  charGates: CharGate[][],
): void {
  const first = prefix.charCodeAt(0);
  const second = prefix.charCodeAt(1);
  if (prefix.length >= 2 && first < 128 && second < 128) {
    pushAt(bigrams, prefixGates, (first << 7) | second, { prefix, pattern });
  } else if (prefix.length >= 1 && first < 128) {
    pushAt(chars, charGates, first, { pattern, count: 1 });
  } else {
    // An empty or non-ASCII prefix gates nothing: the pattern is a candidate for every string.
    pushAt(chars, charGates, 0, { pattern, count: 0 });
  }
}

/**
 * The gated patterns that can match in `text`, in their order; `undefined` when none can.
 * One pass over the characters, with a table lookup per character and per pair.
 */
function gate(scanner: Scanner, text: string): number[] | undefined {
  const { bigrams, prefixGates, chars, charGates, seen, counts } = scanner;
  const generation = ++scanner.generation;
  let hits: number[] | undefined;
  // A prefix or trigger gating nothing (count 0) makes its pattern a candidate everywhere.
  if (chars[0] !== 0) {
    for (const { pattern } of charGates[chars[0]! - 1]!) {
      seen[pattern] = generation;
      (hits ??= []).push(pattern);
    }
  }
  let prev = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 128) {
      prev = 0;
      continue;
    }
    const byChar = chars[code]!;
    if (byChar !== 0) {
      for (const { pattern, count } of charGates[byChar - 1]!) {
        if (seen[pattern] === generation) continue;
        if (count > 1) {
          // Counts are kept per scan: a count left from another string starts again at 1.
          const so = counts[pattern]! >>> 16 === (generation & 0xffff) ? (counts[pattern]! & 0xffff) + 1 : 1;
          counts[pattern] = ((generation & 0xffff) << 16) | so;
          if (so < count) continue;
        }
        seen[pattern] = generation;
        (hits ??= []).push(pattern);
      }
    }
    const byPair = bigrams[(prev << 7) | code]!;
    if (byPair !== 0) {
      for (const { prefix, pattern } of prefixGates[byPair - 1]!) {
        if (seen[pattern] !== generation && text.startsWith(prefix, i - 1)) {
          seen[pattern] = generation;
          (hits ??= []).push(pattern);
        }
      }
    }
    prev = code;
  }
  return hits;
}

/** `text` with every detected secret replaced; the same string when nothing matched. */
export function scan(scanner: Scanner, text: string, replace: Replace): string {
  let gated: number[] | undefined;
  if (text.length >= scanner.minGated) {
    gated = gate(scanner, text);
    // Patterns run in their given order; the gate noted them in the order it met them.
    if (gated !== undefined && gated.length > 1) gated.sort((a, b) => a - b);
  }
  const hinted =
    scanner.prefilter !== null && text.length >= scanner.minHinted && scanner.prefilter.test(text);
  if (gated === undefined && !hinted && !scanner.hasAlways) return text;
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
    const pattern = patterns[i]!;
    if (out.length >= pattern.minLength) out = applyPattern(pattern, out, replace);
  }
  return out;
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
