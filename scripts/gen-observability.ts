// Generates the observability mixin (observability/rules/*.yaml, observability/dashboards/*.json)
// from observability/src, whose expressions name metrics through the telemetry definitions of
// each package's src/telemetry.ts. `pnpm observability` writes the files; `--check` (CI,
// `pnpm observability:check`) fails when a committed file is stale or extra, validates the
// rule files' structure (and runs `promtool check rules` when promtool is on PATH), then runs
// the demo scenario (short phases) and fails if a rule or panel reads a series the demo's
// /metrics does not export (`--no-demo` skips that part).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { checkAgainstScrape, validateDashboard, validateRuleFile } from '../observability/src/check.ts';
import { mixinFiles } from '../observability/src/render.ts';
import { runbookPathOf, runbookProblems } from '../observability/src/runbooks.ts';
import { writeOrCheck } from './lib/generated-doc.ts';

const root = new URL('..', import.meta.url).pathname;
const check = process.argv.includes('--check');

/** Files under the generated folders that the generator no longer writes. */
function extraFiles(files: Map<string, string>): string[] {
  const extra: string[] = [];
  for (const dir of ['observability/rules', 'observability/dashboards']) {
    if (!existsSync(join(root, dir))) continue;
    for (const name of readdirSync(join(root, dir)))
      if (!files.has(`${dir}/${name}`)) extra.push(`${dir}/${name}`);
  }
  return extra;
}

function validate(files: Map<string, string>): string[] {
  const problems: string[] = [];
  const runbookExists = (url: string): boolean => {
    const path = runbookPathOf(url);
    return path !== undefined && runbookProblems(join(root, path)).length === 0;
  };
  for (const [path, text] of files) {
    const found = path.endsWith('.yaml') ? validateRuleFile(text, runbookExists) : validateDashboard(text);
    problems.push(...found.map((problem) => `${path}: ${problem}`));
  }
  return problems;
}

function promtool(files: Map<string, string>): void {
  const rules = [...files.keys()].filter((path) => path.endsWith('.yaml')).map((path) => join(root, path));
  const found = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  if (found.error !== undefined) {
    console.log('promtool is not on PATH: `promtool check rules` skipped (the structural check above ran).');
    return;
  }
  const run = spawnSync('promtool', ['check', 'rules', ...rules], { encoding: 'utf8' });
  process.stdout.write(run.stdout);
  if (run.status !== 0) {
    process.stderr.write(run.stderr);
    throw new Error('promtool check rules failed.');
  }
}

/** Runs the demo scenario with short phases and holds every reference against its /metrics. */
async function demoScrape(): Promise<void> {
  const { scrapeDemo } = await import('../examples/http-service/scripts/scrape-demo.ts');
  const { samples } = await scrapeDemo();
  const result = checkAgainstScrape(samples);
  console.log(
    `Demo /metrics: ${result.checked} series families read by the rules and dashboards, ${result.exempt.length} allowed absent (NOT_IN_DEMO in observability/src/check.ts).`,
  );
  for (const metric of result.staleExemptions) {
    console.log(`note: ${metric} is exported by the demo now; remove it from NOT_IN_DEMO.`);
  }
  if (result.missing.length > 0) {
    throw new Error(
      `Rules or dashboards read series the demo does not export:\n  ${result.missing.join('\n  ')}`,
    );
  }
}

async function main(): Promise<void> {
  const files = mixinFiles();
  for (const [path, text] of files) {
    if (!check) mkdirSync(dirname(join(root, path)), { recursive: true });
    writeOrCheck(
      join(root, path),
      text,
      'pnpm observability',
      () => 'the mixin or the telemetry definitions changed',
    );
  }
  if (!check) return;
  const extra = extraFiles(files);
  if (extra.length > 0) throw new Error(`Not generated any more, delete: ${extra.join(', ')}`);
  const problems = validate(
    new Map(
      [...files.keys()].map((path) => [
        path,
        existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : '',
      ]),
    ),
  );
  if (problems.length > 0) throw new Error(`Invalid mixin files:\n  ${problems.join('\n  ')}`);
  console.log(`${files.size} mixin files are well formed.`);
  promtool(files);
  if (!process.argv.includes('--no-demo')) await demoScrape();
}

await main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
