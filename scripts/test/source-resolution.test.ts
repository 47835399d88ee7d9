import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// Inside this repository every `@ballast/*` specifier, subpath exports included, resolves to
// the package's TypeScript source through one mechanism: the `@ballast/source` condition on
// each entry of the package's `exports`. No list of paths is kept anywhere else, so adding
// a subpath export needs no other edit — and this file fails when one does not resolve.

const SOURCE_CONDITION = '@ballast/source';
const root = fileURLToPath(new URL('../../', import.meta.url));

interface Manifest {
  name: string;
  private?: boolean;
  exports?: Record<string, unknown>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const readJson = (path: string): Manifest => JSON.parse(readFileSync(path, 'utf8')) as Manifest;

/** Every workspace package under packages/ with its manifest and folder. */
const packages = readdirSync(join(root, 'packages'))
  .filter((dir) => existsSync(join(root, 'packages', dir, 'package.json')))
  .map((dir) => ({
    dir: join(root, 'packages', dir),
    manifest: readJson(join(root, 'packages', dir, 'package.json')),
  }));
const published = packages.filter((pkg) => pkg.manifest.private !== true);

/** `@ballast/x` and `@ballast/x/sub` for every export entry, with the source file it must reach. */
function specifiers(pkg: (typeof packages)[number]): { specifier: string; source: string }[] {
  return Object.entries(pkg.manifest.exports ?? {})
    .filter(([subpath]) => subpath !== './package.json')
    .map(([subpath, entry]) => {
      const target = typeof entry === 'string' ? entry : (entry as Record<string, string>)[SOURCE_CONDITION];
      return {
        specifier: subpath === '.' ? pkg.manifest.name : `${pkg.manifest.name}/${subpath.slice(2)}`,
        source: join(pkg.dir, target ?? '<no source condition>'),
      };
    });
}

/** The places that run or check code from source: the root, every example, the benchmarks. */
const consumers = [
  root,
  ...readdirSync(join(root, 'examples'))
    .map((dir) => join(root, 'examples', dir))
    .filter((dir) => existsSync(join(dir, 'package.json'))),
  join(root, 'benchmarks'),
].map((dir) => {
  const manifest = readJson(join(dir, 'package.json'));
  const deps = new Set(Object.keys({ ...manifest.dependencies, ...manifest.devDependencies }));
  const wanted = packages.filter((pkg) => deps.has(pkg.manifest.name)).flatMap(specifiers);
  return { dir, name: relative(root, dir) || '(root)', wanted };
});

describe('every export entry of every published package', () => {
  for (const pkg of published) {
    it(`${pkg.manifest.name}: puts the @ballast/source condition first, at a source file that exists, beside the built files of the same entry`, () => {
      const problems: string[] = [];
      for (const [subpath, entry] of Object.entries(pkg.manifest.exports ?? {})) {
        if (subpath === './package.json') continue;
        if (typeof entry !== 'object' || entry === null) {
          problems.push(`${subpath}: expected an object of conditions`);
          continue;
        }
        const conditions = entry as Record<string, unknown>;
        const source = conditions[SOURCE_CONDITION];
        if (Object.keys(conditions)[0] !== SOURCE_CONDITION || typeof source !== 'string') {
          problems.push(`${subpath}: the first condition must be "${SOURCE_CONDITION}": "./src/<entry>.ts"`);
          continue;
        }
        if (!existsSync(join(pkg.dir, source))) problems.push(`${subpath}: ${source} does not exist`);
        const stem = source.replace(/^\.\/src\//, '').replace(/\.ts$/, '');
        const built = JSON.stringify(conditions.import);
        if (!built.includes(`./dist/${stem}.js`))
          problems.push(`${subpath}: import must point at ./dist/${stem}.js`);
        const tsup = readFileSync(join(pkg.dir, 'tsup.config.ts'), 'utf8');
        if (!tsup.includes(`'src/${stem}.ts'`))
          problems.push(`${subpath}: tsup.config.ts must build src/${stem}.ts`);
      }
      expect(problems).toEqual([]);
    });
  }
});

describe.each(consumers)('from $name', ({ dir, wanted }) => {
  it('TypeScript resolves every @ballast specifier to source (tsconfig customConditions)', () => {
    const configPath = join(dir, 'tsconfig.json');
    const parsed = ts.getParsedCommandLineOfConfigFile(
      configPath,
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
          throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
        },
      },
    );
    expect(parsed).toBeDefined();
    const from = join(dir, '__resolution_probe__.ts');
    const resolved = wanted.map(({ specifier }) => {
      const found = ts.resolveModuleName(specifier, from, parsed?.options ?? {}, ts.sys).resolvedModule;
      return [specifier, found ? realpathSync(found.resolvedFileName) : 'unresolved'];
    });
    expect(Object.fromEntries(resolved)).toEqual(
      Object.fromEntries(wanted.map(({ specifier, source }) => [specifier, source])),
    );
  });

  it('esbuild resolves every @ballast specifier to source (conditions)', async () => {
    const result = await build({
      stdin: {
        contents: wanted.map(({ specifier }, i) => `export * as m${i} from '${specifier}';`).join('\n'),
        resolveDir: dir,
        loader: 'ts',
      },
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      conditions: [SOURCE_CONDITION, 'module'],
      // Only @ballast/* is resolved here: every other package (frameworks, OpenTelemetry…) stays external.
      plugins: [
        {
          name: 'only-ballast',
          setup(b) {
            b.onResolve({ filter: /^[^./]/ }, (args) =>
              args.path.startsWith('@ballast/') ? undefined : { path: args.path, external: true },
            );
          },
        },
      ],
      logLevel: 'silent',
    });
    const inputs = new Set(
      Object.keys(result.metafile.inputs)
        .filter((input) => input !== '<stdin>')
        .map((input) => realpathSync(join(process.cwd(), input))),
    );
    expect(wanted.filter(({ source }) => !inputs.has(source)).map(({ specifier }) => specifier)).toEqual([]);
  });

  it("node --conditions=@ballast/source (tsx, the examples' scripts) resolves every @ballast specifier to source", () => {
    const script = `for (const s of ${JSON.stringify(wanted.map((w) => w.specifier))}) console.log(s + ' ' + import.meta.resolve(s));`;
    const out = execFileSync(
      process.execPath,
      [`--conditions=${SOURCE_CONDITION}`, '--input-type=module', '-e', script],
      {
        cwd: dir,
        encoding: 'utf8',
      },
    );
    const resolved = Object.fromEntries(
      out
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [specifier, url] = line.split(' ') as [string, string];
          return [specifier, realpathSync(fileURLToPath(url))];
        }),
    );
    expect(resolved).toEqual(Object.fromEntries(wanted.map(({ specifier, source }) => [specifier, source])));
  });
});

describe('vitest', () => {
  it('imports every subpath export of every package from source', async () => {
    const all = published.flatMap(specifiers);
    for (const { specifier, source } of all) {
      // Vite resolves with the config's ssr conditions: the same module as the source file.
      const bySpecifier = (await import(/* @vite-ignore */ specifier)) as object;
      const bySource = (await import(/* @vite-ignore */ source)) as object;
      expect(bySpecifier, specifier).toBe(bySource);
    }
    expect(all.length).toBeGreaterThanOrEqual(10);
  });
});
