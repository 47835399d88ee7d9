import { createFastifyApp } from '../src/fastify-app.js';
import { describeFrameworkApp } from './http-contract.js';

describeFrameworkApp('Fastify 5', async (services) => {
  const app = await createFastifyApp(services);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, stop: () => app.close() };
});
