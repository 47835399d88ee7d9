import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { LeftoverServersReporter } from './scripts/lib/leftover-servers-reporter.ts';
import { SkipSummaryReporter } from './scripts/lib/skip-summary-reporter.ts';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Workspace folders that hold a package with tests (`packages/*`, `examples/*`). */
function workspaces(dir: string): string[] {
  const base = `${root}${dir}`;
  if (!existsSync(base)) return [];
  return readdirSync(base, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(`${base}/${entry.name}/package.json`))
    .map((entry) => entry.name)
    .sort();
}

const packages = workspaces('packages');
const examples = workspaces('examples');

// `COVERAGE_PACKAGE=cache pnpm vitest run --project cache --coverage` measures one package alone.
const only = process.env.COVERAGE_PACKAGE;
const covered = only ? packages.filter((name) => name === only) : packages;

/** Private harness packages: tested, but not held to the published packages' coverage bar. */
const harness = new Set(['test-utils']);

// Tests run from source: each workspace package declares the `@ballast/source` condition on
// every entry of its `exports` (pointing at `src/`), so `@ballast/x` and any subpath export
// resolve to TypeScript source with no list of paths kept here. The rest is Vitest's own
// default for Node (no `module`), which an explicit list replaces. Vitest also hands these
// conditions to its worker processes (`--conditions`).
const SOURCE_CONDITION = '@ballast/source';
const serverConditions = [SOURCE_CONDITION, 'node', 'development|production'];

export default defineConfig({
  ssr: { resolve: { conditions: serverConditions } },
  test: {
    // The default output, then a repeat of every real-service suite that was skipped and why;
    // last, the redis-servers a timed-out test left running are killed.
    reporters: ['default', new SkipSummaryReporter(), new LeftoverServersReporter()],
    projects: [
      {
        extends: true as const,
        test: { name: 'repo', root, include: ['scripts/test/**/*.test.ts'] },
      },
      ...packages.map((name) => ({
        extends: true as const,
        test: {
          name,
          root: `${root}packages/${name}`,
          include: ['test/**/*.test.ts'],
        },
      })),
      ...examples.map((name) => ({
        extends: true as const,
        test: {
          name: `example:${name}`,
          root: `${root}examples/${name}`,
          include: ['test/**/*.test.ts'],
          testTimeout: 60_000,
        },
      })),
    ],
    testTimeout: 15_000,
    hookTimeout: 30_000,
    coverage: {
      provider: 'v8',
      reporter: ['text-summary', 'json-summary'],
      include: covered.map((name) => `packages/${name}/src/**/*.ts`),
      exclude: ['**/*.d.ts', '**/index.ts'],
      thresholds: Object.fromEntries(
        covered
          .filter((name) => !harness.has(name))
          .map((name) => [`packages/${name}/src/**/*.ts`, { lines: 95, branches: 90 }]),
      ),
    },
  },
});
