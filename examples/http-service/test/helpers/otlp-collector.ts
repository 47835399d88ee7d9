import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A stand-in OTLP/HTTP collector, as the tests use it. */
export interface OtlpCollector {
  readonly server: Server;
  /** Its base URL, e.g. `http://127.0.0.1:40123` (the exporters add `/v1/traces`, `/v1/logs`). */
  readonly url: string;
  /** Every JSON body POSTed to `/v1/traces`, in arrival order. */
  readonly traces: unknown[];
  /** Every JSON body POSTed to `/v1/logs`, in arrival order. */
  readonly logs: unknown[];
  /** The `content-type` of every POST received. */
  readonly contentTypes: string[];
  close(): Promise<void>;
}

/**
 * Starts a stand-in OTLP/HTTP (JSON) collector on a free port: keeps every body POSTed to
 * `/v1/traces` and `/v1/logs` and answers `200 {}`, as a real collector does.
 */
export async function startCollector(): Promise<OtlpCollector> {
  const traces: unknown[] = [];
  const logs: unknown[] = [];
  const contentTypes: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      if (req.method === 'POST') {
        contentTypes.push(req.headers['content-type'] ?? '');
        if (req.url === '/v1/traces') traces.push(JSON.parse(body));
        if (req.url === '/v1/logs') logs.push(JSON.parse(body));
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    traces,
    logs,
    contentTypes,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
