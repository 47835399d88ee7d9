import { readFileSync } from 'node:fs';
import type { Options } from 'tsup';

/**
 * The one build recipe every published package shares: ESM + CJS with per-format
 * declarations (`.d.ts` / `.d.cts`), no source maps (they would point at files the
 * tarball does not ship), Node 20 syntax, and workspace dependencies left external.
 * `__BALLAST_VERSION__` is replaced by the version in the package's package.json (the
 * OpenTelemetry scope version).
 */
export function packageConfig(entry: string[]): Options {
  const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
  return {
    define: { __BALLAST_VERSION__: JSON.stringify(version) },
    entry,
    format: ['esm', 'cjs'],
    dts: { compilerOptions: { composite: false } },
    tsconfig: 'tsconfig.build.json',
    target: 'node20',
    platform: 'node',
    clean: true,
    sourcemap: false,
    splitting: true,
    treeshake: true,
    outDir: 'dist',
  };
}
