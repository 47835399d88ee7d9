/**
 * Runs benchmark suites and writes their sections of docs/benchmarks.md, and the goals
 * summary at its top (one row per goal a suite checks: issue 22's table and the rest).
 *
 *   pnpm bench                 every suite
 *   pnpm bench redact cache    only these suites (other sections and goal rows stay as they were)
 *   BENCH_TIME=2000 pnpm bench longer runs per case (ms, default 1000)
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type BenchSuite,
  type GoalResult,
  machine,
  measureRatioGoal,
  renderGoal,
  renderGroup,
  runGroup,
} from './lib.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const docPath = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));
const time = Number(process.env.BENCH_TIME ?? 1000);
const wanted = process.argv.slice(2);

const files = readdirSync(`${here}suites`)
  .filter((file) => file.endsWith('.bench.ts'))
  .sort();

const HEADER = `# Benchmarks

Ballast against the libraries users compare it with, measured in the same process and
the same run. Ratios are the figures that matter: absolute numbers move with the machine.
Regenerate with \`pnpm bench\` (or \`pnpm bench <suite>\` for one section).
`;

const GOALS_START = '<!-- bench:goals:start -->';
const GOALS_END = '<!-- bench:goals:end -->';
/** Suites in the order their goals are listed in the summary. */
const SUMMARY_ORDER = ['logger', 'cache', 'resilience', 'errors', 'import-time', 'memory', 'redact'];

function readDoc(): string {
  return existsSync(docPath) ? readFileSync(docPath, 'utf8') : HEADER;
}

function replaceSection(doc: string, id: string, body: string): string {
  const start = `<!-- bench:${id}:start -->`;
  const end = `<!-- bench:${id}:end -->`;
  const block = `${start}\n${body}\n${end}`;
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  if (from >= 0 && to > from) return doc.slice(0, from) + block + doc.slice(to + end.length);
  return `${doc.trimEnd()}\n\n${block}\n`;
}

/** A summary row: `| label | measured | goal | verdict | suite |`. */
const goalRow = (suite: string, goal: GoalResult): string =>
  `| ${goal.label} | ${goal.measured} | ${goal.goal} | ${goal.met ? 'met ✓' : '**missed** ✗'} | ${suite} |`;

/**
 * The goals summary, right under the page header: rows of suites that ran replace their
 * old rows (matched by label), rows of suites that did not run stay as they were.
 */
function writeGoals(doc: string, suite: string, goals: GoalResult[]): string {
  const from = doc.indexOf(GOALS_START);
  const to = doc.indexOf(GOALS_END);
  const rows = new Map<string, string>();
  if (from >= 0 && to > from) {
    for (const line of doc.slice(from, to).split('\n')) {
      const label = /^\| (.+?) \| /.exec(line)?.[1];
      if (label && !line.startsWith('| goal |') && !line.startsWith('|---')) rows.set(label, line);
    }
  }
  for (const goal of goals) rows.set(goal.label, goalRow(suite, goal));
  // Issue 22's table first, in its order (logger, cache, limiter, serializeError, start-up,
  // memory), then the rest; within a suite, the order the suite checks them in.
  const rank = (row: string) => {
    const at = SUMMARY_ORDER.indexOf(/\| ([\w-]+) \|$/.exec(row)?.[1] ?? '');
    return at < 0 ? SUMMARY_ORDER.length : at;
  };
  const ordered = [...rows.values()]
    .map((row, i) => ({ row, i }))
    .sort((a, b) => rank(a.row) - rank(b.row) || a.i - b.i);
  const missed = [...rows.values()].filter((row) => row.includes('✗')).length;
  const body = [
    '## Goals',
    '',
    `Every target the suites check, with the figure of the last \`pnpm bench\` run of its suite (${missed} missed of ${rows.size}). Ratios of two cases are the median of 3 runs of the pair side by side in alternating order; the sections below give the rounds, the peers, what exactly is measured and the machine it ran on (milliseconds and megabytes move with the machine and whatever else runs on it; ratios much less). \`pnpm bench:gate\` holds the key ratios in CI against the floors in \`etc/bench-floors.json\`.`,
    '',
    '| goal | measured | target | verdict | suite |',
    '|---|---:|---:|---|---|',
    ...ordered.map(({ row }) => row),
  ].join('\n');
  const block = `${GOALS_START}\n${body}\n${GOALS_END}`;
  if (from >= 0 && to > from) return doc.slice(0, from) + block + doc.slice(to + GOALS_END.length);
  // First time: right after the header paragraph, before the first section.
  const first = doc.indexOf('<!-- bench:');
  return first >= 0
    ? `${doc.slice(0, first)}${block}\n\n${doc.slice(first)}`
    : `${doc.trimEnd()}\n\n${block}\n`;
}

let ran = 0;
for (const file of files) {
  const mod = (await import(pathToFileURL(`${here}suites/${file}`).href)) as { default: BenchSuite };
  const suite = mod.default;
  if (wanted.length > 0 && !wanted.includes(suite.id)) continue;
  console.log(`\n## ${suite.title}`);
  const parts = [`### ${suite.title}`, '', `_${machine()}; ${suite.method ?? `${time} ms per case`}._`, ''];
  const goals: GoalResult[] = [];
  for (const group of await suite.groups()) {
    const results = await runGroup(group, time);
    const table = renderGroup(group, results);
    console.log(`\n${table}`);
    parts.push(table, '');
    const lines: string[] = [];
    for (const goal of group.goals ?? []) {
      const result = await measureRatioGoal(group, goal, time);
      goals.push(result);
      lines.push(renderGoal(result));
    }
    if (lines.length > 0) {
      console.log(`\n${lines.join('\n')}`);
      parts.push(...lines, '');
    }
  }
  const extra = (await suite.extra?.()) ?? [];
  const extraLines = Array.isArray(extra) ? extra : extra.lines;
  if (!Array.isArray(extra)) goals.push(...(extra.goals ?? []));
  if (extraLines.length > 0) {
    console.log(`\n${extraLines.join('\n')}`);
    parts.push(...extraLines, '');
  }
  // Read again: a suite may have written its own section meanwhile (the demo's memory).
  let doc = replaceSection(readDoc(), suite.id, parts.join('\n').trimEnd());
  if (goals.length > 0) doc = writeGoals(doc, suite.id, goals);
  writeFileSync(docPath, doc);
  ran++;
}
if (ran === 0) {
  console.error(`No suite matched ${wanted.join(', ')}. Suites: ${files.join(', ')}`);
  process.exit(1);
}
console.log(`\nWrote ${ran} suite(s) to docs/benchmarks.md`);
