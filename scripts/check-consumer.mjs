#!/usr/bin/env node
// A user's project, outside the monorepo, built from the packed tarballs: what `npm install
// @ballast/…` will give people. Run after `pnpm build`: `pnpm check:consumer`.
// It installs every published package from its `pnpm pack` tarball (workspace dependencies
// pointed at the sibling tarballs), then:
// - typechecks everything below with the published `.d.ts` files (strict TypeScript,
//   `skipLibCheck: false`) with no optional peer installed (no ioredis, no framework);
// - runs the README's "Compose it yourself" snippet and each package README's first example
//   exactly as written (the compose snippet gets a stand-in for its one free function);
// - runs the cache tier contract suite under `node:test` against a tier of the project's own.
// Only the npm registry is reached (for @opentelemetry/api, lru-cache, typescript, tsx).
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const keep = process.argv.includes('--keep');
const work = mkdtempSync(join(tmpdir(), 'ballast-consumer-'));
const tarballs = join(work, 'tarballs');
const project = join(work, 'project');
mkdirSync(tarballs);
mkdirSync(project);

const step = (what) => console.log(`\n-- ${what}`);
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const catalog = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8');
const pinned = (name) => {
  const match = new RegExp(`^\\s+"?${name.replace('/', '\\/')}"?:\\s*"?([^"\\n]+)"?$`, 'm').exec(catalog);
  if (!match) throw new Error(`${name} is not in the pnpm catalog`);
  return match[1].trim();
};

try {
  step('pack every published package');
  const packages = readdirSync(join(root, 'packages'))
    .map((dir) => join(root, 'packages', dir))
    .filter((dir) => {
      try {
        return readJson(join(dir, 'package.json')).private !== true;
      } catch {
        return false;
      }
    });
  const specs = {};
  for (const dir of packages) {
    const packed = JSON.parse(
      execFileSync('pnpm', ['pack', '--json', '--pack-destination', tarballs], {
        cwd: dir,
        encoding: 'utf8',
      }),
    );
    specs[packed.name] = `file:${packed.filename}`;
    console.log(`${packed.name} → ${packed.filename}`);
  }

  step(`a new project outside the repository: ${project}`);
  const overrides = Object.fromEntries(Object.keys(specs).map((name) => [name, `$${name}`]));
  writeFileSync(
    join(project, 'package.json'),
    `${JSON.stringify(
      {
        name: 'ballast-consumer',
        private: true,
        type: 'module',
        // ioredis: the public .d.ts of cache and resilience still name its types (issue #20
        // tracks declaring a minimal client interface instead); a project without it fails tsc.
        dependencies: {
          ...specs,
          '@opentelemetry/api': pinned('@opentelemetry/api'),
          ioredis: pinned('ioredis'),
        },
        devDependencies: {
          typescript: pinned('typescript'),
          tsx: pinned('tsx'),
          '@types/node': pinned('@types/node'),
        },
        overrides,
      },
      null,
      2,
    )}\n`,
  );
  writeFileSync(
    join(project, 'tsconfig.json'),
    `${JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
        },
        include: ['*.mts'],
      },
      null,
      2,
    )}\n`,
  );
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: project,
    stdio: 'inherit',
  });

  step('write the documented examples into the project');
  const firstTs = (markdown) => /```ts\n([\s\S]*?)```/.exec(markdown)?.[1];
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const compose = firstTs(readme.slice(readme.indexOf('## Compose it yourself')));
  if (!compose) throw new Error('README.md has no ts block under "Compose it yourself"');
  const examples = {
    // The snippet calls the app's own fetchProduct; the project supplies one.
    'readme-compose.mts': `${compose}
async function fetchProduct(id: string, signal: AbortSignal): Promise<{ id: string }> {
  signal.throwIfAborted();
  return { id };
}
console.log(JSON.stringify(product), typeof probes);
await cache.close();
`,
  };
  const names = packages.map((dir) => dir.split('/').pop());
  for (const name of names) {
    const code = firstTs(readFileSync(join(root, 'packages', name, 'README.md'), 'utf8'));
    if (!code) throw new Error(`packages/${name}/README.md has no ts example`);
    examples[`${name}-readme.mts`] = code;
  }
  examples['tier-contract.test.mts'] =
    `// A cache tier of the user's own, proven by the contract suite under node:test.
import { describe, it } from 'node:test';
import type { Clock } from '@ballast/core';
import { systemClock } from '@ballast/core';
import type { CacheEntry, CacheTier } from '@ballast/cache';
import { cacheTierContract } from '@ballast/cache/testing';

function mapTier({ clock = systemClock }: { clock?: Clock } = {}): CacheTier {
  const entries = new Map<string, CacheEntry>();
  return {
    name: 'map',
    get: (key) => {
      const entry = entries.get(key);
      if (entry !== undefined && clock.now() >= entry.staleUntil) entries.delete(key);
      return entries.get(key);
    },
    set: (key, entry) => void entries.set(key, entry),
    delete: (key) => void entries.delete(key),
    clear: () => entries.clear(),
  };
}

cacheTierContract(({ clock }) => mapTier({ clock }), { name: 'mapTier', runner: { describe, it } });
`;
  for (const [file, code] of Object.entries(examples)) writeFileSync(join(project, file), code);

  step('typecheck against the published .d.ts files (tsc --strict)');
  execFileSync(join(project, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], {
    cwd: project,
    stdio: 'inherit',
  });

  const tsx = ['--import', 'tsx'];
  const run = (file, args = []) =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [...tsx, ...args, file], {
        cwd: project,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (c) => (out += c));
      child.stderr.on('data', (c) => (err += c));
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve(out);
        else reject(new Error(`${file} exited with ${code ?? signal}\n${out}\n${err}`));
      });
    });

  // An example that listens on a port is a server: it must answer its health probe and exit 0
  // on SIGTERM. Every other example must run to completion and exit 0.
  const ports = Object.fromEntries(
    Object.entries(examples).map(([file, code]) => [file, /\.listen\((\d+)\)/.exec(code)?.[1]]),
  );
  step('run each example as written');
  for (const file of Object.keys(examples).filter((f) => f.includes('readme') && ports[f] === undefined)) {
    const out = await run(file);
    console.log(`${file}: ok\n  ${out.trim().split('\n').slice(0, 4).join('\n  ')}`);
  }

  for (const file of Object.keys(examples).filter((f) => ports[f] !== undefined)) {
    await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [...tsx, file], {
        cwd: project,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (c) => (err += c));
      const deadline = Date.now() + 30_000;
      const poll = async () => {
        try {
          const res = await fetch(`http://127.0.0.1:${ports[file]}/health/live`);
          console.log(`${file}: /health/live answered ${res.status}`);
          child.kill('SIGTERM');
        } catch {
          if (child.exitCode !== null) return;
          if (Date.now() > deadline) {
            child.kill('SIGKILL');
            return;
          }
          setTimeout(poll, 200);
        }
      };
      poll();
      child.on('close', (code, signal) => {
        if (code === 0) resolve();
        else reject(new Error(`${file} exited with ${code ?? signal}\n${err}`));
      });
    });
    console.log(`${file}: ok, exited 0 after SIGTERM`);
  }

  step("the tier contract suite under node:test, against the project's own tier");
  const out = await run('tier-contract.test.mts', ['--test', '--test-reporter=spec']);
  console.log(out.trim().split('\n').slice(-8).join('\n'));

  console.log(
    '\nA project outside the repository installs the tarballs, typechecks, and runs every documented example.',
  );
} catch (error) {
  console.error(`\nThe consumer project failed: ${error instanceof Error ? error.message : String(error)}`);
  console.error(`(project kept at ${project})`);
  process.exitCode = 1;
} finally {
  if (!keep && process.exitCode !== 1) rmSync(work, { recursive: true, force: true });
}
