import { defineConfig } from 'tsup';
import { packageConfig } from '../../tsup.base.ts';

export default defineConfig(
  packageConfig(['src/index.ts', 'src/node.ts', 'src/express.ts', 'src/fastify.ts', 'src/nest.ts']),
);
