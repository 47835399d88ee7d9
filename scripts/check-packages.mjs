#!/usr/bin/env node
// Tarball hygiene for every published package: the metadata users and registries rely on,
// and a packed tarball holding only dist/, README, LICENSE, CHANGELOG and package.json.
// Run after `pnpm build`: `node scripts/check-packages.mjs`.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const allowed = [
  /^dist\/.+\.(c?js|d\.c?ts)$/,
  /^README\.md$/,
  /^LICENSE$/,
  /^CHANGELOG\.md$/,
  /^package\.json$/,
];
const problems = [];
const out = mkdtempSync(join(tmpdir(), 'ballast-pack-'));

for (const dir of readdirSync(join(root, 'packages')).sort()) {
  const path = join(root, 'packages', dir);
  if (!existsSync(join(path, 'package.json'))) continue;
  const pkg = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8'));
  if (pkg.private) continue;
  const fail = (what) => problems.push(`${pkg.name}: ${what}`);

  if (pkg.license !== 'MIT') fail('license must be "MIT"');
  if (!pkg.engines?.node) fail('engines.node is missing');
  if (!pkg.repository?.url || pkg.repository?.directory !== `packages/${dir}`) {
    fail(`repository must have a url and directory "packages/${dir}"`);
  }
  if (!Array.isArray(pkg.keywords) || pkg.keywords.length === 0) fail('keywords are missing');
  if (pkg.sideEffects !== false) fail('sideEffects must be false');
  if (pkg.publishConfig?.provenance !== true || pkg.publishConfig?.access !== 'public') {
    fail('publishConfig must set access "public" and provenance true');
  }
  if (JSON.stringify(pkg.files) !== '["dist"]') fail('files must be ["dist"]');
  if (!pkg.description) fail('description is missing');
  if (!existsSync(join(path, 'README.md'))) fail('README.md is missing');
  if (!existsSync(join(path, 'LICENSE'))) fail('LICENSE is missing');
  if (!existsSync(join(path, 'dist'))) {
    fail('dist/ is missing: run `pnpm build` first');
    continue;
  }

  const packed = JSON.parse(
    execFileSync('pnpm', ['pack', '--json', '--pack-destination', out], { cwd: path, encoding: 'utf8' }),
  );
  const files = packed.files.map((file) => file.path);
  // The `@ballast/source` condition (workspace-only, pointing at src/) is stripped on pack
  // by .pnpmfile.cjs; a tarball that still carried it would point at files it lacks.
  const tarball = join(out, packed.filename.split('/').pop());
  const manifest = execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' });
  if (manifest.includes('@ballast/source')) {
    fail('the packed package.json still carries the @ballast/source condition (.pnpmfile.cjs strips it)');
  }
  for (const file of files) {
    if (!allowed.some((pattern) => pattern.test(file))) fail(`tarball holds a stray file: ${file}`);
  }
  for (const required of ['package.json', 'README.md', 'LICENSE']) {
    if (!files.includes(required)) fail(`tarball lacks ${required}`);
  }
  // The build stamps the version (tsup define); an unreplaced placeholder would throw at runtime.
  for (const file of files.filter((name) => name.startsWith('dist/') && /\.c?js$/.test(name))) {
    if (readFileSync(join(path, file), 'utf8').includes('__BALLAST_VERSION__')) {
      fail(`${file} still holds __BALLAST_VERSION__: build with the shared tsup config (tsup.base.ts)`);
    }
  }
  console.log(`${pkg.name}: ${files.length} files, ok so far`);
}
rmSync(out, { recursive: true, force: true });

if (problems.length > 0) {
  console.error(`\nPackage hygiene problems:\n${problems.map((p) => `- ${p}`).join('\n')}`);
  process.exit(1);
}
console.log('\nEvery package tarball is clean.');
