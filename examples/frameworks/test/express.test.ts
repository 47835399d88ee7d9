import type { AddressInfo } from 'node:net';
import { createExpressApp, listenExpress } from '../src/express-app.js';
import { describeFrameworkApp } from './http-contract.js';

describeFrameworkApp('Express 5', async (services) => {
  const server = await listenExpress(createExpressApp(services));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
});
