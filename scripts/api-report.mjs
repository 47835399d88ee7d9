#!/usr/bin/env node
// Public API reports: API Extractor reads each published package's built declarations
// (`dist/*.d.ts`, so run `pnpm build` first) and writes `etc/<package>.api.md`, one report
// per entry point (`etc/core.api.md`, `etc/core-testing.api.md`, …). The reports are
// reviewed in pull requests: every change to a public signature shows up as a diff.
//
//   node scripts/api-report.mjs           check: fail when a report is stale or missing
//   node scripts/api-report.mjs --update  rewrite the reports from the current build
//
// Every public declaration and member must carry TSDoc: the check fails when a report marks
// any "(undocumented)", naming each one (`--update` writes the reports and lists them).
// Release tags and TSDoc style are not enforced here (Biome and review do that). Forgotten exports (a public signature naming a type that is not
// exported) are written into the report so reviewers see them.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';
import { undocumentedMembers } from './lib/undocumented.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const update = process.argv.includes('--update');
const only = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const etc = join(root, 'etc');
const scratch = join(tmpdir(), `ballast-api-${process.pid}`);

/** Every published package (not private) with each of its entry points' ESM declarations. */
function entryPoints() {
  const out = [];
  for (const dir of readdirSync(join(root, 'packages')).sort()) {
    const pkgPath = join(root, 'packages', dir, 'package.json');
    if (!existsSync(pkgPath)) continue;
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
    if (pkg.private) continue;
    if (only.length > 0 && !only.includes(dir) && !only.includes(pkg.name)) continue;
    for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
      const types = target?.import?.types;
      if (typeof types !== 'string') continue;
      const suffix = subpath === '.' ? '' : `-${subpath.slice(2).replaceAll('/', '-')}`;
      out.push({
        name: subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`,
        dir: join(root, 'packages', dir),
        pkgPath,
        types: join(root, 'packages', dir, types),
        report: `${dir}${suffix}.api.md`,
      });
    }
  }
  return out;
}

function configFor(entry) {
  return ExtractorConfig.prepare({
    configObjectFullPath: join(entry.dir, 'api-extractor.json'),
    packageJsonFullPath: entry.pkgPath,
    configObject: {
      projectFolder: entry.dir,
      mainEntryPointFilePath: entry.types,
      bundledPackages: [],
      compiler: {
        overrideTsconfig: {
          compilerOptions: {
            target: 'ES2022',
            lib: ['ES2023'],
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            types: ['node'],
            typeRoots: [join(root, 'node_modules/@types')],
            strict: true,
            skipLibCheck: true,
          },
          files: [entry.types],
        },
      },
      apiReport: {
        enabled: true,
        reportFileName: entry.report.replace(/\.api\.md$/, ''),
        reportFolder: etc,
        reportTempFolder: scratch,
        includeForgottenExports: false,
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      newlineKind: 'lf',
      messages: {
        compilerMessageReporting: { default: { logLevel: 'warning' } },
        extractorMessageReporting: {
          default: { logLevel: 'none' },
          'ae-forgotten-export': { logLevel: 'none', addToApiReportFile: true },
          'ae-unresolved-link': { logLevel: 'none' },
        },
        tsdocMessageReporting: { default: { logLevel: 'none' } },
      },
    },
  });
}

const entries = entryPoints();
if (entries.length === 0) {
  console.error('api: no published package matched.');
  process.exit(1);
}
const missingBuild = entries.filter((entry) => !existsSync(entry.types));
if (missingBuild.length > 0) {
  for (const entry of missingBuild) {
    console.error(`api: ${entry.name}: ${relative(root, entry.types)} is missing; run \`pnpm build\` first.`);
  }
  process.exit(1);
}
mkdirSync(etc, { recursive: true });
mkdirSync(scratch, { recursive: true });

const stale = [];
const broken = [];
const undocumented = [];
for (const entry of entries) {
  const reportPath = join(etc, entry.report);
  const existed = existsSync(reportPath);
  const before = existed ? readFileSync(reportPath, 'utf8') : undefined;
  const result = Extractor.invoke(configFor(entry), {
    localBuild: update,
    showVerboseMessages: false,
    messageCallback: (message) => {
      const routine = message.messageId.startsWith('console-api-report');
      if (!routine && (message.logLevel === 'warning' || message.logLevel === 'error')) {
        console.error(`  ${entry.name}: ${message.formatMessageWithLocation(entry.dir)}`);
      }
      message.handled = true;
    },
  });
  if (!update && (result.apiReportChanged || !existed)) {
    stale.push(entry);
    continue;
  }
  if (result.errorCount > 0) {
    broken.push(entry);
    console.error(`api: ${entry.name}: API Extractor reported ${result.errorCount} error(s).`);
    continue;
  }
  const after = readFileSync(reportPath, 'utf8');
  for (const member of undocumentedMembers(after)) undocumented.push({ entry, member });
  if (update) {
    const verdict = !existed ? 'written' : before === after ? 'unchanged' : 'updated';
    console.log(`api: ${entry.name} → etc/${entry.report} (${verdict})`);
  } else {
    console.log(`api: ${entry.name} matches etc/${entry.report}`);
  }
}
rmSync(scratch, { recursive: true, force: true });

// A report whose entry point is gone (package or subpath export removed) is stale too.
const orphans =
  only.length > 0
    ? []
    : readdirSync(etc).filter(
        (file) => file.endsWith('.api.md') && !entries.some((entry) => entry.report === file),
      );
for (const file of orphans) {
  if (update) {
    rmSync(join(etc, file));
    console.log(`api: etc/${file} removed (no such entry point any more)`);
  } else {
    console.error(`api: etc/${file} reports an entry point that no package exports any more.`);
  }
}

if (undocumented.length > 0) {
  console.error('');
  for (const { entry, member } of undocumented) {
    console.error(`api: ${entry.name}: ${member} is public but undocumented (etc/${entry.report}).`);
  }
  console.error(
    `\n${undocumented.length} public declaration(s) have no TSDoc: add a /** … */ comment to each,` +
      ' then run `pnpm build && pnpm api:update`.',
  );
  if (!update) process.exit(1);
}
if (broken.length > 0) process.exit(1);
if (!update && orphans.length > 0 && stale.length === 0) {
  console.error('\nRun `pnpm api:update` to remove it, and add a changeset if users lose an import path.');
  process.exit(1);
}
if (stale.length > 0) {
  console.error('');
  for (const entry of stale) {
    console.error(`api: the public API of ${entry.name} changed and etc/${entry.report} is stale.`);
  }
  console.error(
    '\nRun `pnpm api:update`, review the diff of etc/*.api.md, commit it, and add a changeset' +
      ' (`pnpm changeset`) that tells users what changed.',
  );
  process.exit(1);
}
