import { Agent, request } from 'node:http';
import { errorFromHttpResponse, NetworkError } from '@ballast/errors';

/**
 * GETs JSON from the upstream with node:http and a keep-alive agent. A non-2xx answer
 * becomes the matching Ballast error (`errorFromHttpResponse`: 429 → `RateLimitedError`
 * with `retryAfterMs`, 503 → `UnavailableError`…); a socket failure a `NetworkError`.
 */
export function createUpstreamClient(baseUrl: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const getJson = <T>(path: string, signal?: AbortSignal): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const req = request(
        `${baseUrl}${path}`,
        { agent, signal, headers: { accept: 'application/json' } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const body = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 500;
            if (status >= 200 && status < 300) {
              try {
                resolve(JSON.parse(body) as T);
              } catch (error) {
                reject(new NetworkError('The upstream sent malformed JSON', { cause: error }));
              }
              return;
            }
            reject(errorFromHttpResponse(status, res.headers, body, { method: 'GET', url: path }));
          });
        },
      );
      req.on('error', (error) => {
        if (signal?.aborted) reject(signal.reason);
        else reject(new NetworkError(`GET ${path} failed: ${error.message}`, { cause: error }));
      });
      req.end();
    });
  return { getJson, close: () => agent.destroy() };
}

/** The client {@link createUpstreamClient} returns. */
export type UpstreamClient = ReturnType<typeof createUpstreamClient>;
