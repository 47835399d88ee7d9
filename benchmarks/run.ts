/**
 * Runs benchmark suites and writes their sections of docs/benchmarks.md.
 *
 *   pnpm bench                 every suite
 *   pnpm bench redact cache    only these suites (other sections stay as they were)
 *   BENCH_TIME=2000 pnpm bench longer runs per case (ms, default 1000)
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BenchSuite, renderGroup, runGroup } from './lib.ts';

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

function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}/${process.arch}, ${new Date().toISOString().slice(0, 10)}`;
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

let doc = existsSync(docPath) ? readFileSync(docPath, 'utf8') : HEADER;
let ran = 0;
for (const file of files) {
  const mod = (await import(pathToFileURL(`${here}suites/${file}`).href)) as { default: BenchSuite };
  const suite = mod.default;
  if (wanted.length > 0 && !wanted.includes(suite.id)) continue;
  console.log(`\n## ${suite.title}`);
  const parts = [`### ${suite.title}`, '', `_${machine()}; ${time} ms per case._`, ''];
  for (const group of await suite.groups()) {
    const results = await runGroup(group, time);
    const table = renderGroup(group, results);
    console.log(`\n${table}`);
    parts.push(table, '');
  }
  const extra = (await suite.extra?.()) ?? [];
  if (extra.length > 0) {
    console.log(`\n${extra.join('\n')}`);
    parts.push(...extra, '');
  }
  doc = replaceSection(doc, suite.id, parts.join('\n').trimEnd());
  writeFileSync(docPath, doc);
  ran++;
}
if (ran === 0) {
  console.error(`No suite matched ${wanted.join(', ')}. Suites: ${files.join(', ')}`);
  process.exit(1);
}
console.log(`\nWrote ${ran} suite(s) to docs/benchmarks.md`);
