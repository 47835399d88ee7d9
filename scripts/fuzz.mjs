#!/usr/bin/env node
// `pnpm fuzz`: the fast-check properties of @ballast/redact, @ballast/errors and the
// circuit-breaker model of @ballast/resilience at 100× their usual runs (from source, no
// build needed). Bounded: each property stops after FUZZ_PROPERTY_SECONDS (default 60)
// and the whole run after FUZZ_MAX_SECONDS (default 1200); a property stopped early prints
// how many runs it reached (FUZZ_STRICT=1 fails it instead). FC_RUNS_MULTIPLIER changes the
// factor. Not part of CI: run it before a release or after touching these packages.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const maxSeconds = Number(process.env.FUZZ_MAX_SECONDS ?? 1200);

/** Test files of a package that import fast-check and match `pick`. */
function propertyFiles(pkg, pick = () => true) {
  const dir = join(root, 'packages', pkg, 'test');
  return readdirSync(dir, { recursive: true })
    .map((file) => join(dir, String(file)))
    .filter((file) => file.endsWith('.test.ts') && pick(file))
    .filter((file) => /from 'fast-check'/.test(readFileSync(file, 'utf8')))
    .map((file) => relative(root, file));
}

const files = [
  ...propertyFiles('redact'),
  ...propertyFiles('errors'),
  ...propertyFiles('resilience', (file) => file.includes('circuit-breaker')),
];
const env = { ...process.env, FC_RUNS_MULTIPLIER: process.env.FC_RUNS_MULTIPLIER ?? '100' };
console.log(
  `fuzz: ${files.length} files at ${env.FC_RUNS_MULTIPLIER}× runs, at most ${maxSeconds} s:\n  ${files.join('\n  ')}`,
);

const projects = ['redact', 'errors', 'resilience'].flatMap((name) => ['--project', name]);
const child = spawn(
  process.execPath,
  [
    join(root, 'node_modules/vitest/vitest.mjs'),
    'run',
    '--config',
    'scripts/fuzz/vitest.config.ts',
    ...projects,
    ...files,
  ],
  { cwd: root, env, stdio: 'inherit' },
);
const timer = setTimeout(() => {
  console.error(`\nfuzz: stopped after FUZZ_MAX_SECONDS=${maxSeconds} s; this run is incomplete.`);
  child.kill('SIGTERM');
}, maxSeconds * 1000);
child.on('close', (code, signal) => {
  clearTimeout(timer);
  process.exit(signal ? 1 : (code ?? 1));
});
