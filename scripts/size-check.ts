// Size and import-cost budgets for every published package, from the built `dist`
// (run `pnpm build` first).
//
// For each package:
// 1. esbuild bundles `import '<package>'` (the ESM entry) for Node: its own code and its
//    dependencies (other Ballast packages, lru-cache, …) bundled and minified, its peer
//    dependencies (@opentelemetry/api, ioredis, …) and Node built-ins left external. The
//    minified and gzipped sizes must stay within `etc/size-limits.json`.
// 2. The bundle must not contain, nor import even lazily, the modules the package must
//    never pull in (`neverBundles`: e.g. ioredis or lru-cache for @ballast/errors).
// 3. In a fresh child process, importing the ESM entry and requiring the CJS entry must
//    not load the modules listed in `neverLoadsAtImport` (e.g. ioredis, which packages
//    may only load lazily when a Redis feature is used), and importing the ESM entry must
//    not load those in `esmNeverLoadsAtImport` either (e.g. @opentelemetry/api, which the
//    ES module builds load on first use and the CommonJS builds with the package). ESM
//    resolutions are recorded by a module-resolution hook; CommonJS loads are read from
//    `require.cache`.
//
//   pnpm size:check   check against the budgets
//   pnpm size:update  measure and set every budget to ~115 % of today
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { loadedAtImport, mentions } from './lib/import-probe.ts';

interface Budget {
  minified: number;
  gzip: number;
  neverBundles?: string[];
  neverLoadsAtImport?: string[];
  esmNeverLoadsAtImport?: string[];
}
interface Manifest {
  exports: Record<string, { import: { default: string }; require: { default: string } }>;
  peerDependencies?: Record<string, string>;
}
interface Measurement {
  name: string;
  minified: number;
  gzip: number;
  inputs: string[];
  staticImports: string[];
  dynamicImports: string[];
}

const root = fileURLToPath(new URL('..', import.meta.url));
const configPath = join(root, 'etc/size-limits.json');
const update = process.argv.includes('--update');
const HEADROOM = 1.15;

const config = JSON.parse(readFileSync(configPath, 'utf8')) as { packages: Record<string, Budget> };

async function measure(name: string, entry: string, pkg: Manifest): Promise<Measurement> {
  const peers = Object.keys(pkg.peerDependencies ?? {});
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: peers.flatMap((peer) => [peer, `${peer}/*`]),
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  const output = Object.values(result.metafile.outputs)[0];
  if (output === undefined) throw new Error(`esbuild produced no output for ${name}`);
  const inputs = Object.keys(result.metafile.inputs);
  const staticImports = output.imports.filter((imp) => imp.kind !== 'dynamic-import').map((imp) => imp.path);
  const dynamicImports = output.imports.filter((imp) => imp.kind === 'dynamic-import').map((imp) => imp.path);
  return {
    name,
    minified: code.byteLength,
    gzip: gzipSync(code, { level: 9 }).byteLength,
    inputs,
    staticImports,
    dynamicImports,
  };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
const failures: string[] = [];
const rows: Measurement[] = [];
const next: Record<string, Budget> = {};

/** `@ballast/core/testing` → the package's folder and its `exports` key (`./testing`). */
function entryOf(name: string): { dir: string; key: string } {
  const [, folder = '', sub] = /^@ballast\/([a-z-]+)(?:\/(.+))?$/.exec(name) ?? [];
  return { dir: join(root, 'packages', folder), key: sub === undefined ? '.' : `./${sub}` };
}

// Every entry point of every published package needs a budget: a new subpath cannot slip
// through unmeasured.
for (const name of Object.keys(config.packages).filter((n) => !n.slice('@ballast/'.length).includes('/'))) {
  const pkg = JSON.parse(readFileSync(join(entryOf(name).dir, 'package.json'), 'utf8')) as Manifest;
  for (const key of Object.keys(pkg.exports)) {
    if (key === '.' || key === './package.json') continue;
    const entry = `${name}/${key.slice(2)}`;
    if (config.packages[entry] === undefined && !update) {
      failures.push(
        `${entry} has no budget in etc/size-limits.json; run \`pnpm size:update\` and review it.`,
      );
    }
    if (config.packages[entry] === undefined && update) config.packages[entry] = { minified: 0, gzip: 0 };
  }
}

for (const [name, budget] of Object.entries(config.packages)) {
  const { dir, key } = entryOf(name);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
  const target = pkg.exports[key];
  if (target === undefined) {
    failures.push(`${name}: package.json has no "${key}" export; remove its budget or add the entry.`);
    continue;
  }
  const esm = join(dir, target.import.default);
  const cjs = join(dir, target.require.default);
  if (!existsSync(esm) || !existsSync(cjs)) {
    failures.push(`${name}: ${relative(root, esm)} is missing; run \`pnpm build\` first.`);
    continue;
  }
  const m = await measure(name, esm, pkg);
  rows.push(m);
  next[name] = {
    ...budget,
    minified: Math.ceil((m.minified * HEADROOM) / 100) * 100,
    gzip: Math.ceil((m.gzip * HEADROOM) / 100) * 100,
  };

  if (!update) {
    if (m.minified > budget.minified) {
      failures.push(
        `${name}: bundled import is ${kb(m.minified)} minified, over its budget of ${kb(budget.minified)}.`,
      );
    }
    if (m.gzip > budget.gzip) {
      failures.push(
        `${name}: bundled import is ${kb(m.gzip)} gzipped, over its budget of ${kb(budget.gzip)}.`,
      );
    }
  }
  for (const forbidden of budget.neverBundles ?? []) {
    const bundled = m.inputs.filter((input) => mentions(input, forbidden));
    const imported = [...m.staticImports, ...m.dynamicImports].filter((spec) => mentions(spec, forbidden));
    const [firstBundled] = bundled;
    if (firstBundled !== undefined) {
      failures.push(
        `${name} must not pull in ${forbidden}, but its bundle contains ${relative(root, firstBundled)}.`,
      );
    } else if (imported.length > 0) {
      failures.push(`${name} must not pull in ${forbidden}, but its bundle imports '${imported[0]}'.`);
    }
  }
  const formats = [
    ['esm', esm],
    ['cjs', cjs],
  ] as const;
  for (const [forbidden, checked] of [
    ...(budget.neverLoadsAtImport ?? []).map((module) => [module, formats] as const),
    ...(budget.esmNeverLoadsAtImport ?? []).map((module) => [module, formats.slice(0, 1)] as const),
  ]) {
    const staticImport = m.staticImports.find((spec) => mentions(spec, forbidden));
    if (staticImport) {
      failures.push(`${name} imports '${staticImport}' statically; ${forbidden} may only be loaded lazily.`);
    }
    for (const [format, file] of checked) {
      const loaded = loadedAtImport(file, format).filter((item) => mentions(item, forbidden));
      if (loaded.length > 0) {
        failures.push(
          `${name} (${format.toUpperCase()}) loads ${forbidden} at import time (${loaded[0]}); load it lazily (await import() where it is used).`,
        );
      }
    }
  }
}

console.log('| package | minified | budget | gzip | budget | lazy imports |');
console.log('|---|---:|---:|---:|---:|---|');
for (const m of rows) {
  const budget = (update ? next : config.packages)[m.name] ?? { minified: 0, gzip: 0 };
  console.log(
    `| ${m.name} | ${kb(m.minified)} | ${kb(budget.minified)} | ${kb(m.gzip)} | ${kb(budget.gzip)} | ${m.dynamicImports.join(', ') || '–'} |`,
  );
}

if (update) {
  writeFileSync(configPath, `${JSON.stringify({ ...config, packages: next }, null, 2)}\n`);
  console.log(
    `\nsize: budgets written to ${relative(root, configPath)} (${Math.round((HEADROOM - 1) * 100)} % headroom).`,
  );
}
if (failures.length > 0) {
  console.error('');
  for (const failure of failures) console.error(`size: ${failure}`);
  console.error(
    '\nIf a size increase is deliberate, run `pnpm size:update` and commit etc/size-limits.json with the reason.',
  );
  process.exit(1);
}
if (!update)
  console.log('\nsize: every package is within its budget and loads no forbidden module at import time.');
