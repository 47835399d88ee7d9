import { defineConfig } from 'tsup';
import { packageConfig } from '../../tsup.base.ts';

export default defineConfig(
  packageConfig(['src/index.ts', 'src/testing.ts', 'src/closest-name.ts', 'src/error-base.ts']),
);
