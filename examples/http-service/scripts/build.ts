import { realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Plugin } from 'esbuild';

// The deployable build: each entry bundled into one CommonJS file that plain `node` runs,
// with no loader and nothing but ioredis (loaded only with REDIS_URL) left in
// node_modules. `pnpm --filter http-service build` writes dist/main.cjs (`start`) and
// dist/demo.cjs (`demo`); scripts/measure-memory.ts bundles its probe with the same options.
// Every choice below is there for the idle RSS (docs/benchmarks.md, "demo-memory"):
// - CommonJS, not ESM: an ESM entry starts Node's ESM loader, ~1 MB of RSS for nothing
//   (an empty node:http server: 42.2 MB as .cjs, 43.2 MB as .mjs). The sources use no
//   top-level await for this reason.
// - `module` before `main`: the OpenTelemetry packages ship ESM builds that esbuild can
//   tree-shake; their CommonJS builds come in whole (-2.3 MB).
// - one copy of each @opentelemetry package: the Prometheus exporter pins 2.12.0 of
//   core, resources and sdk-metrics while the example uses 2.12.1 (-50 KB of code).
// - the Prometheus exporter (CommonJS only) reads two constants from
//   @opentelemetry/semantic-conventions; a `require` pulls in the whole CommonJS build of
//   it (~80 KB minified, thousands of exported names: -2.4 MB), so it gets those two
//   names from the tree-shaken ESM build instead.
// - whitespace and syntax minified, identifiers kept: the same RSS as a full minify
//   (the unminified bundle costs 2 MB more), and stack traces keep their function names.

const root = fileURLToPath(new URL('..', import.meta.url));

/** Resolves every `@opentelemetry/*` import to the copy the example's own dependencies use. */
const oneOpenTelemetry: Plugin = {
  name: 'one-opentelemetry',
  setup(b) {
    // The example's sdk-metrics sits next to its core and resources (2.12.1).
    const anchors = [
      root,
      dirname(realpathSync(`${root}node_modules/@opentelemetry/sdk-metrics/package.json`)),
    ];
    b.onResolve({ filter: /^@opentelemetry\/[^/]+$/ }, async (args) => {
      if (args.pluginData === 'one-opentelemetry') return undefined;
      for (const resolveDir of anchors) {
        const found = await b.resolve(args.path, {
          resolveDir,
          kind: args.kind,
          importer: args.importer,
          pluginData: 'one-opentelemetry',
        });
        if (found.errors.length === 0) return found;
      }
      return undefined;
    });
  },
};

/**
 * A CommonJS `require('@opentelemetry/semantic-conventions')` gets only the names its
 * module reads (`<binding>.NAME`), re-exported from the package's ESM build, which esbuild
 * tree-shakes. If the names cannot be read from the source, the require is left alone.
 */
const usedSemanticConventions: Plugin = {
  name: 'used-semantic-conventions',
  setup(b) {
    b.onResolve({ filter: /^@opentelemetry\/semantic-conventions$/ }, async (args) => {
      if (args.kind !== 'require-call') return undefined;
      const { readFile } = await import('node:fs/promises');
      const source = await readFile(args.importer, 'utf8');
      const binding = /(\w+)\s*=\s*require\(["']@opentelemetry\/semantic-conventions["']\)/.exec(source)?.[1];
      if (binding === undefined || new RegExp(`\\b${binding}\\b(?!\\s*=|\\.)`).test(source)) return undefined;
      const names = [
        ...new Set([...source.matchAll(new RegExp(`\\b${binding}\\.(\\w+)`, 'g'))].map((m) => m[1])),
      ];
      if (names.length === 0) return undefined;
      return {
        path: args.importer,
        namespace: 'used-semantic-conventions',
        pluginData: { names, resolveDir: dirname(args.importer) },
      };
    });
    b.onLoad({ filter: /.*/, namespace: 'used-semantic-conventions' }, (args) => {
      const { names, resolveDir } = args.pluginData as { names: string[]; resolveDir: string };
      return {
        contents: `export { ${names.join(', ')} } from '@opentelemetry/semantic-conventions';`,
        loader: 'js',
        resolveDir,
      };
    });
  },
};

/** The esbuild options of the deployable bundle (entry points and output left to the caller). */
export const bundleOptions: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  tsconfig: `${root}tsconfig.json`,
  mainFields: ['module', 'main'],
  // `@ballast/*` resolves to the packages' TypeScript source through the export condition
  // every workspace package declares (see tsconfig.workspace.json); `module` as esbuild's
  // default list has it.
  conditions: ['@ballast/source', 'module'],
  // Loaded only when configured (REDIS_URL, an OTLP endpoint): resolved from node_modules
  // at run time, so an idle service without them never parses their code.
  external: ['ioredis', '@opentelemetry/exporter-trace-otlp-http'],
  minifyWhitespace: true,
  minifySyntax: true,
  plugins: [oneOpenTelemetry, usedSemanticConventions],
  logLevel: 'warning',
};

/** Bundles `entries` (paths relative to the example) into `outdir` as `<name>.cjs`. */
export async function bundle(entries: Record<string, string>, outdir: string): Promise<void> {
  await build({
    ...bundleOptions,
    entryPoints: Object.fromEntries(Object.entries(entries).map(([name, path]) => [name, `${root}${path}`])),
    outdir,
    outExtension: { '.js': '.cjs' },
  });
}

if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await bundle({ main: 'src/main.ts', demo: 'src/demo.ts' }, `${root}dist`);
}
