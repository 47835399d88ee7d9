import { Agent, request } from 'node:http';

/** One simulated API client: its address (sent as `X-Forwarded-For`) and how it authenticates. */
export interface VirtualClient {
  ip: string;
  /** The API key, sent as `x-api-key`, `Authorization: Bearer` or `?api_key=` depending on `via`. */
  apiKey: string;
  via: 'header' | 'bearer' | 'query';
}

/** What one request saw. */
export interface Outcome {
  path: string;
  status: number;
  latencyMs: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A keep-alive HTTP client for the scenario; `status` 0 means the request failed on the network. */
export function createLoadClient(baseUrl: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const send = (client: VirtualClient, path: string): Promise<Outcome> =>
    new Promise((resolve) => {
      const started = performance.now();
      const headers: Record<string, string> = { 'x-forwarded-for': client.ip };
      let target = path;
      if (client.via === 'header') headers['x-api-key'] = client.apiKey;
      else if (client.via === 'bearer') headers.authorization = `Bearer ${client.apiKey}`;
      else target = `${path}${path.includes('?') ? '&' : '?'}api_key=${encodeURIComponent(client.apiKey)}`;
      const req = request(`${baseUrl}${target}`, { agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            path,
            status: res.statusCode ?? 0,
            latencyMs: performance.now() - started,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', () =>
          resolve({ path, status: 0, latencyMs: performance.now() - started, headers: {}, body: '' }),
        );
      });
      req.on('error', () =>
        resolve({ path, status: 0, latencyMs: performance.now() - started, headers: {}, body: '' }),
      );
      req.end();
    });
  return { send, close: () => agent.destroy() };
}

/** The `q` quantile (0..1) of `values`, by nearest rank; 0 for none. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}
