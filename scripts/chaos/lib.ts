// Shared by `pnpm chaos` (scripts/chaos.ts) and any scenario file it loads (such as
// scripts/chaos-redis.ts): the shape of a scenario and of its result rows, the table, and
// the `## Fault campaign` section of docs/benchmarks.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** One measured figure of a scenario against its target. */
export interface ChaosRow {
  /** What was done, e.g. `limiter: Redis black-holed 2.5 s`. */
  scenario: string;
  /** What was measured, e.g. `100 of 300 admitted`. */
  figure: string;
  /** The target, e.g. `≤ 104 (share·(1 + t/per))`. */
  target: string;
  met: boolean;
}

/** What every scenario receives. */
export interface ChaosContext {
  /** The Redis to use (REDIS_URL or 127.0.0.1:6379), or undefined when none answers. */
  redisUrl: string | undefined;
}

/** One scenario of the campaign; it cleans up what it starts, and never throws for a missed target. */
export interface ChaosScenario {
  name: string;
  /** Skipped (and reported as not met) without a Redis. */
  needsRedis?: boolean;
  run(context: ChaosContext): Promise<ChaosRow[]>;
}

/** A built package's entry (`packages/<name>/dist/index.js`), typed as its source. */
export async function built<T>(name: string): Promise<T> {
  return (await import(pathToFileURL(join(root, 'packages', name, 'dist', 'index.js')).href)) as T;
}

/** The table, as Markdown (also what is printed). */
export function table(rows: readonly ChaosRow[]): string {
  const lines = ['| scenario | figure | target | met |', '| --- | --- | --- | --- |'];
  for (const row of rows) {
    lines.push(`| ${row.scenario} | ${row.figure} | ${row.target} | ${row.met ? 'yes' : '**no**'} |`);
  }
  return lines.join('\n');
}

const START = '<!-- chaos:start -->';
const END = '<!-- chaos:end -->';

/** `text` (docs/benchmarks.md) with its `## Fault campaign` section replaced, or appended when missing. */
export function withSection(text: string, rows: readonly ChaosRow[], note: string): string {
  const section = [
    START,
    '## Fault campaign',
    '',
    'The failures of issue 23 replayed against the built packages by `pnpm chaos` (not part of',
    '`pnpm test`): own fault proxies in front of the local Redis, several writer processes,',
    'hostile values in child processes with a 10 s limit. Exits non-zero when a target is missed.',
    '',
    table(rows),
    '',
    note,
    END,
  ].join('\n');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  return start >= 0 && end > start
    ? text.slice(0, start) + section + text.slice(end + END.length)
    : `${text.trimEnd()}\n\n${section}\n`;
}

/** Replaces (or appends) the `## Fault campaign` section of docs/benchmarks.md. */
export function writeSection(rows: readonly ChaosRow[], note: string): void {
  const path = join(root, 'docs', 'benchmarks.md');
  writeFileSync(path, withSection(readFileSync(path, 'utf8'), rows, note));
}

/** Formats a number with thousands separators. */
export const count = (n: number): string => n.toLocaleString('en-US');
