import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HealthRequestHandler } from '@ballast/health';

/** What `healthHandler` answered: status, headers and body, to send through a framework's reply. */
export interface HealthReply {
  status: number;
  headers: Record<string, string | number>;
  body: string | undefined;
}

/**
 * Runs `healthHandler` for `req` and resolves what it would have written, or `undefined` for a
 * path it does not serve: the framework then sends it with its own reply (no hijack), so its
 * hooks and request logging see the response.
 */
export function healthReply(
  handler: HealthRequestHandler,
  req: IncomingMessage,
): Promise<HealthReply | undefined> {
  return new Promise((resolve) => {
    let status = 200;
    let headers: Record<string, string | number> = {};
    const res = {
      writeHead(code: number, head: Record<string, string | number>) {
        status = code;
        headers = head;
        return res;
      },
      end(body?: string) {
        resolve({ status, headers, body });
        return res;
      },
    };
    handler(req, res as unknown as ServerResponse, () => resolve(undefined));
  });
}

/**
 * Whether `req` is for the health endpoints under `basePath`, by its original URL (Express and
 * Nest rewrite `req.url` below a mount path), so request logging can leave probes out.
 */
export function isHealthRequest(req: IncomingMessage, basePath: string): boolean {
  return originalUrl(req).startsWith(basePath);
}

/** The URL the client asked for: Express's `originalUrl` when set (a mount rewrites `req.url`). */
export function originalUrl(req: IncomingMessage): string {
  return (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
}

/** The request id that request logging echoed in the `x-request-id` response header, if any. */
export function echoedRequestId(res: { getHeader?(name: string): unknown }): string | undefined {
  const id = res.getHeader?.('x-request-id');
  return typeof id === 'string' ? id : undefined;
}
