// The repository's vitest configuration, with `fast-check` replaced by ./fast-check.ts in
// test files so every property runs FC_RUNS_MULTIPLIER times its usual runs. Used by
// `pnpm fuzz` (scripts/fuzz.mjs); not part of CI.
import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';
import base from '../../vitest.config.ts';

const wrapper = fileURLToPath(new URL('./fast-check.ts', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));
const limitSeconds = Number(process.env.FUZZ_PROPERTY_SECONDS ?? 60);

export default mergeConfig(
  base,
  defineConfig({
    root,
    plugins: [
      {
        name: 'ballast-fuzz-fast-check',
        enforce: 'pre',
        resolveId(source, importer) {
          if (source === 'fast-check' && importer !== undefined && importer !== wrapper) return wrapper;
          return null;
        },
      },
    ],
    test: {
      // Several properties per test may each run up to their time limit.
      testTimeout: (limitSeconds * 4 + 60) * 1000,
      coverage: { enabled: false },
    },
  }),
);
