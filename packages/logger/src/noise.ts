import type { Duration } from '@ballast/core';
import { durationOption, invalidOption, numberOption, rejectUnknownKeys } from '@ballast/errors';
import { LEVELS, type LevelName } from './levels.js';

/** Keep-rates per level, from 0 (drop all) to 1 (keep all). */
export type SamplingOptions = Partial<Record<Exclude<LevelName, 'silent'>, number>>;

/**
 * A deterministic sampler: with rate r, exactly ⌊n·r⌋ or ⌈n·r⌉ of n lines are
 * kept, evenly spread (an accumulator, not a coin), so a test can rely on it and
 * a burst never loses every line by bad luck. Undefined when nothing is sampled.
 */
export function createSampler(
  options: SamplingOptions | undefined,
): ((level: number) => boolean) | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) {
    throw invalidOption('sampling', options, 'an object of level → rate from 0 to 1');
  }
  const rates = new Map<number, number>();
  for (const [name, rate] of Object.entries(options)) {
    if (name === 'silent' || !Object.hasOwn(LEVELS, name)) {
      throw invalidOption(`sampling.${name}`, rate, 'a key that is a level from trace to fatal');
    }
    numberOption(`sampling.${name}`, rate as number, { min: 0, max: 1 });
    if (rate !== 1) rates.set(LEVELS[name as LevelName], rate as number);
  }
  if (rates.size === 0) return undefined;
  const credit = new Map<number, number>();
  return (level) => {
    const rate = rates.get(level);
    if (rate === undefined) return true;
    const next = (credit.get(level) ?? 0) + rate;
    if (next >= 1 - 1e-9) {
      credit.set(level, next - 1);
      return true;
    }
    credit.set(level, next);
    return false;
  };
}

/** Options for folding repeated lines. */
export interface DedupeOptions {
  /** Identical warn-or-worse lines inside this window after the first are folded into a count. */
  window: Duration;
}

interface Seen {
  since: number;
  count: number;
  level: number;
}

/** Folds identical lines: see {@link DedupeOptions}. */
export interface Dedupe {
  /** The body to emit (with `"repeated":N` when lines were folded), or undefined to drop it. */
  check(body: string, level: number, now: number): string | undefined;
  /** Bodies of folded lines not yet reported, with their count; resets the counts. */
  drain(): Array<{ body: string; level: number }>;
}

const MAX_TRACKED = 10_000;

/** Builds the dedupe stage, or undefined when `options` is undefined. */
export function createDedupe(options: DedupeOptions | undefined): Dedupe | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) throw invalidOption('dedupe', options, '{ window }');
  rejectUnknownKeys('dedupe', options, ['window']);
  const window = durationOption('dedupe.window', options.window);
  const seen = new Map<string, Seen>();
  const withCount = (body: string, count: number): string => `${body},"repeated":${count}`;
  return {
    check(body, level, now) {
      const entry = seen.get(body);
      if (entry !== undefined && now - entry.since < window) {
        entry.count++;
        return undefined;
      }
      const out = entry !== undefined && entry.count > 0 ? withCount(body, entry.count) : body;
      if (seen.size >= MAX_TRACKED) {
        for (const [key, old] of seen) if (old.count === 0 && now - old.since >= window) seen.delete(key);
        if (seen.size >= MAX_TRACKED) seen.clear();
      }
      seen.set(body, { since: now, count: 0, level });
      return out;
    },
    drain() {
      const out: Array<{ body: string; level: number }> = [];
      for (const [body, entry] of seen) {
        if (entry.count > 0) {
          out.push({ body: withCount(body, entry.count), level: entry.level });
          entry.count = 0;
        }
      }
      return out;
    },
  };
}
