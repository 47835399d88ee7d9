import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NotFoundError } from '@ballast/errors';
import { requestHandler } from '@ballast/http/node';
import { describeAdapter } from './contract.js';

describeAdapter('node:http', async ({ logger, health, course }) => {
  const server = createServer(
    requestHandler({
      logger,
      health,
      handle: async (req, res) => {
        const id = /^\/courses\/([^/?]+)/.exec(req.url ?? '')?.[1];
        if (id === undefined) throw new NotFoundError('No such route');
        const body = JSON.stringify(course(id)); // before writeHead: a throw must find no response started
        res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      },
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
});
