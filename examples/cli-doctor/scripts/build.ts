import { realpathSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

// The `courses` binary: src/cli.ts bundled with the Ballast packages it uses (from their
// sources, so nothing needs building first) into ESM that plain `node` runs: dist/cli.js,
// the package's `bin`, with `doctor` in it, and dist/chunks/*.js: what the entry shares
// with the data commands, and the data commands' own chunk (the cache, the logger, the
// resilience policies), which `doctor` never loads. `pnpm --filter cli-doctor build` always builds;
// `--if-stale` (used by `pnpm courses` and the tests) builds only when dist/cli.js is
// missing or older than one of the files it was bundled from (listed in dist/meta.json).

const root = fileURLToPath(new URL('..', import.meta.url));

/** The built CLI, and the esbuild metafile listing its inputs. */
export const cliPath = join(root, 'dist', 'cli.js');
const metaPath = join(root, 'dist', 'meta.json');

/** The files dist/cli.js was last bundled from, or undefined when it is missing or stale. */
async function freshInputs(): Promise<string[] | undefined> {
  try {
    const [built, meta] = await Promise.all([stat(cliPath), readFile(metaPath, 'utf8')]);
    const inputs = [...Object.keys((JSON.parse(meta) as { inputs: object }).inputs), 'scripts/build.ts'];
    const times = await Promise.all(inputs.map(async (input) => (await stat(join(root, input))).mtimeMs));
    return times.every((time) => time <= built.mtimeMs) ? inputs : undefined;
  } catch {
    return undefined; // no build yet, or an input moved: build again
  }
}

export interface BuildResult {
  /** False when `ifStale` found dist/cli.js up to date. */
  built: boolean;
  ms: number;
}

/**
 * Bundles src/cli.ts into dist/cli.js (with a `#!/usr/bin/env node` line, executable).
 * The file is written next to its final place and renamed over it, so a CLI started by a
 * concurrent test run never reads half a file.
 */
export async function buildCli({ ifStale = false } = {}): Promise<BuildResult> {
  const started = performance.now();
  if (ifStale && (await freshInputs()) !== undefined) {
    return { built: false, ms: performance.now() - started };
  }
  const result = await build({
    entryPoints: [join(root, 'src', 'cli.ts')],
    outdir: join(root, 'dist'),
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    splitting: true,
    // Less to read and parse at every start: about half the bytes.
    minify: true,
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    // Only loaded for a Redis URL, which the CLI never uses.
    external: ['ioredis'],
    // `@ballast/*` resolves to the packages' TypeScript source through the export condition
    // every workspace package declares (see tsconfig.workspace.json).
    conditions: ['@ballast/source', 'module'],
    metafile: true,
    write: false,
    logLevel: 'warning',
  });
  await mkdir(join(root, 'dist', 'chunks'), { recursive: true });
  const suffix = `.${process.pid}.${Date.now()}.tmp`;
  for (const file of result.outputFiles) {
    await writeFile(`${file.path}${suffix}`, file.contents, { mode: 0o755 });
  }
  await writeFile(`${metaPath}${suffix}`, JSON.stringify(result.metafile, null, 2));
  // Chunks first (their names carry a content hash), the entry that imports them last.
  const outputs = [...result.outputFiles].sort(
    (a, b) => Number(a.path === cliPath) - Number(b.path === cliPath),
  );
  for (const file of outputs) await rename(`${file.path}${suffix}`, file.path);
  await rename(`${metaPath}${suffix}`, metaPath);
  await chmod(cliPath, 0o755);
  const current = new Set(result.outputFiles.map((file) => basename(file.path)));
  for (const old of await readdir(join(root, 'dist', 'chunks'))) {
    if (!current.has(old) && !old.endsWith('.tmp'))
      await rm(join(root, 'dist', 'chunks', old), { force: true });
  }
  return { built: true, ms: performance.now() - started };
}

if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ifStale = process.argv.includes('--if-stale');
  const { built, ms } = await buildCli({ ifStale });
  // Quiet when nothing was built: `pnpm courses doctor --json` prints only the report.
  if (built && !ifStale) {
    console.log(`${relative(process.cwd(), cliPath) || cliPath} built in ${Math.round(ms)} ms`);
  }
}
