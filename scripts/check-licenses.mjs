#!/usr/bin/env node
// Licence allow-list for what users install with a Ballast package: the production
// dependency tree of every published package (`pnpm --filter <pkg> licenses list --prod`)
// and the packages it names as peers. Anything outside the allow-list fails, unless
// `etc/licenses.json` records a reviewed exception for that dependency and licence.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const policy = JSON.parse(readFileSync(join(root, 'etc/licenses.json'), 'utf8'));
const allowed = new Set(policy.allowed);

/** True when an SPDX expression is satisfied by the allow-list (`OR`: any side, `AND`: both). */
export function isAllowed(expression) {
  const text = String(expression ?? '')
    .trim()
    .replace(/^\((.*)\)$/, '$1');
  if (text === '') return false;
  if (/\sOR\s/i.test(text)) return text.split(/\s+OR\s+/i).some(isAllowed);
  if (/\sAND\s/i.test(text)) return text.split(/\s+AND\s+/i).every(isAllowed);
  return allowed.has(text);
}

function publishedPackages() {
  return readdirSync(join(root, 'packages'))
    .sort()
    .map((dir) => join(root, 'packages', dir))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
    .filter(({ pkg }) => !pkg.private);
}

/** `{ name, version, license }` for every production dependency of one workspace package. */
async function productionDependencies(name) {
  const { stdout } = await run('pnpm', ['--filter', name, 'licenses', 'list', '--prod', '--json'], {
    cwd: root,
    maxBuffer: 32 * 1024 * 1024,
  });
  const text = stdout.trim();
  if (text === '' || text.startsWith('No licenses')) return [];
  const byLicense = JSON.parse(text);
  return Object.values(byLicense).flatMap((entries) =>
    entries.flatMap((entry) =>
      entry.versions.map((version) => ({ name: entry.name, version, license: entry.license })),
    ),
  );
}

/** The package.json of an installed dependency, found from its entry (exports may hide it). */
function manifestOf(require, name) {
  let dir = dirname(require.resolve(name));
  while (dir !== dirname(dir)) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const manifest = JSON.parse(readFileSync(candidate, 'utf8'));
      if (manifest.name === name) return manifest;
    }
    dir = dirname(dir);
  }
  throw new Error(`no package.json found for ${name}`);
}

/** The licence each peer dependency declares in its own package.json, as installed here. */
function peerDependencies(dir, pkg) {
  const require = createRequire(join(dir, 'package.json'));
  return Object.keys(pkg.peerDependencies ?? {}).map((name) => {
    try {
      const manifest = manifestOf(require, name);
      return { name, version: manifest.version, license: manifest.license, peer: true };
    } catch {
      return { name, version: 'not installed', license: undefined, peer: true };
    }
  });
}

const packages = publishedPackages();
const results = await Promise.all(
  packages.map(async ({ dir, pkg }) => ({
    name: pkg.name,
    deps: [...(await productionDependencies(pkg.name)), ...peerDependencies(dir, pkg)],
  })),
);

const failures = [];
for (const { name, deps } of results) {
  const described = deps.map(
    (dep) => `${dep.name}@${dep.version} (${dep.license ?? 'no licence'}${dep.peer ? ', peer' : ''})`,
  );
  console.log(
    `${name}: ${described.length === 0 ? 'no third-party production dependencies' : described.join(', ')}`,
  );
  for (const dep of deps) {
    if (isAllowed(dep.license)) continue;
    const exception = policy.exceptions?.[dep.name];
    if (exception && exception.license === dep.license) {
      console.log(`  ${dep.name}: ${dep.license} accepted by a reviewed exception: ${exception.reason}`);
      continue;
    }
    failures.push(
      `${name} depends on ${dep.name}@${dep.version}, licensed ${dep.license ?? '(none declared)'}.`,
    );
  }
}

if (failures.length > 0) {
  console.error('');
  for (const failure of failures) console.error(`licenses: ${failure}`);
  console.error(
    `\nAllowed: ${policy.allowed.join(', ')}. Replace the dependency, or record a reviewed exception in etc/licenses.json.`,
  );
  process.exit(1);
}
console.log(`\nlicenses: every production and peer dependency of ${results.length} packages is allowed.`);
