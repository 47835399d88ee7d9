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

/** The compiled detectors: patterns behind one shared pre-check, and the rest. */
export interface Scanner {
  readonly prefilter: RegExp | null;
  /** The shortest string any hinted pattern can match. */
  readonly minHinted: number;
  readonly hinted: readonly CompiledPattern[];
  readonly always: readonly CompiledPattern[];
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

/** Compiles detectors once; `null` when there are none. */
export function compileScanner(patterns: readonly (RedactPattern | RegExp)[]): Scanner | null {
  if (patterns.length === 0) return null;
  const hinted: CompiledPattern[] = [];
  const always: CompiledPattern[] = [];
  const hints: string[] = [];
  for (const pattern of patterns) {
    const hint = pattern instanceof RegExp ? undefined : pattern.hint;
    if (hint === undefined) always.push(compile(pattern));
    else {
      hinted.push(compile(pattern));
      hints.push(`(?:${hint})`);
    }
  }
  const prefilter = hints.length > 0 ? new RegExp(hints.join('|'), 'i') : null;
  const minHinted = Math.min(...hinted.map((pattern) => pattern.minLength));
  return { prefilter, minHinted, hinted, always };
}

/** `text` with every detected secret replaced; the same string when nothing matched. */
export function scan(scanner: Scanner, text: string, replace: Replace): string {
  let out = text;
  if (text.length >= scanner.minHinted && scanner.prefilter?.test(text)) {
    for (const pattern of scanner.hinted) {
      if (out.length >= pattern.minLength) out = applyPattern(pattern, out, replace);
    }
  }
  for (const pattern of scanner.always) {
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
