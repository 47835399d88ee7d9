import { join } from 'node:path';
import { defineConfig } from 'tsup';
import { packageConfig } from '../../tsup.base.ts';

export default defineConfig({
  ...packageConfig(['src/index.ts', 'src/testing.ts', 'src/closest-name.ts', 'src/error-base.ts']),
  // One file per entry: the main entry is imported by every package, and each shared chunk
  // would cost it a module resolution and load of its own (the entries share no state; the
  // error brand is a `Symbol.for`).
  splitting: false,
  // The CommonJS build loads @opentelemetry/api with the package (src/internal/otel-load.cjs.ts);
  // the ES module build loads it on first use (src/internal/otel-load.ts).
  esbuildPlugins: [
    {
      name: 'otel-load-cjs',
      setup(build) {
        if (build.initialOptions.define?.TSUP_FORMAT !== '"cjs"') return;
        build.onResolve({ filter: /\/otel-load\.js$/ }, (args) => ({
          path: join(args.resolveDir, 'otel-load.cjs.ts'),
        }));
      },
    },
  ],
});
