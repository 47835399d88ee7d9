// `pnpm licenses:check`: the licence allow-list for what users install with a Ballast
// package, that is the production dependency tree of every published package
// (`pnpm --filter <pkg> licenses list --prod`) and the packages it names as peers.
// Anything outside the allow-list in etc/licenses.json fails, unless that file records a
// reviewed exception for that dependency and that exact licence.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Dependency, judgeLicenses, type LicensePolicy, parseLicensesJson } from './lib/licenses.ts';

interface Manifest {
  name: string;
  version: string;
  license?: string;
  private?: boolean;
  peerDependencies?: Record<string, string>;
}

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const policy = JSON.parse(readFileSync(join(root, 'etc/licenses.json'), 'utf8')) as LicensePolicy;

function publishedPackages(): { dir: string; pkg: Manifest }[] {
  return readdirSync(join(root, 'packages'))
    .sort()
    .map((dir) => join(root, 'packages', dir))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest }))
    .filter(({ pkg }) => !pkg.private);
}

async function productionDependencies(name: string): Promise<Dependency[]> {
  const { stdout } = await run('pnpm', ['--filter', name, 'licenses', 'list', '--prod', '--json'], {
    cwd: root,
    maxBuffer: 32 * 1024 * 1024,
  });
  return parseLicensesJson(stdout);
}

/** The package.json of an installed dependency, found from its entry (exports may hide it). */
function manifestOf(require: NodeJS.Require, name: string): Manifest {
  let dir = dirname(require.resolve(name));
  while (dir !== dirname(dir)) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const manifest = JSON.parse(readFileSync(candidate, 'utf8')) as Manifest;
      if (manifest.name === name) return manifest;
    }
    dir = dirname(dir);
  }
  throw new Error(`no package.json found for ${name}`);
}

/** The licence each peer dependency declares in its own package.json, as installed here. */
function peerDependencies(dir: string, pkg: Manifest): Dependency[] {
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

const results = await Promise.all(
  publishedPackages().map(async ({ dir, pkg }) => ({
    name: pkg.name,
    deps: [...(await productionDependencies(pkg.name)), ...peerDependencies(dir, pkg)],
  })),
);

const failures: string[] = [];
for (const { name, deps } of results) {
  const described = deps.map(
    (dep) => `${dep.name}@${dep.version} (${dep.license ?? 'no licence'}${dep.peer ? ', peer' : ''})`,
  );
  console.log(
    `${name}: ${described.length === 0 ? 'no third-party production dependencies' : described.join(', ')}`,
  );
  const { violations, excepted } = judgeLicenses(deps, policy);
  for (const dep of excepted) {
    console.log(
      `  ${dep.name}: ${dep.license} accepted by a reviewed exception: ${policy.exceptions?.[dep.name]?.reason}`,
    );
  }
  for (const dep of violations) {
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
