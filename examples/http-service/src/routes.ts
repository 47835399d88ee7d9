import type { IncomingMessage, ServerResponse } from 'node:http';
import { NotFoundError, ValidationError } from '@ballast/errors';
import type { RateLimiter } from '@ballast/resilience';
import type { Catalog } from './catalog.js';
import { enforceRateLimit } from './rate-limit.js';
import type { Upstream, UpstreamBehaviour } from './upstream.js';

/** What the routes need. */
export interface RouteDeps {
  catalog: Catalog;
  limiter: RateLimiter;
  trustProxy: boolean;
  upstream: Upstream;
  chaosEndpoint: boolean;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}

const MODES = new Set(['ok', 'outage', 'throttle']);

/** `POST /_chaos?mode=outage&latencyMs=500&errorRate=0.3`: switches the upstream's behaviour. */
function chaos(url: URL, upstream: Upstream): Partial<UpstreamBehaviour> {
  const change: Partial<UpstreamBehaviour> = {};
  for (const [name, value] of url.searchParams) {
    if (name === 'mode') {
      if (!MODES.has(value)) throw new ValidationError(`mode must be ok, outage or throttle, not "${value}"`);
      change.mode = value as UpstreamBehaviour['mode'];
    } else if (name === 'reset') upstream.reset();
    else if (['latencyMs', 'jitterMs', 'errorRate', 'throttleRate', 'retryAfterSeconds'].includes(name)) {
      const number = Number(value);
      if (!Number.isFinite(number) || number < 0) throw new ValidationError(`${name} must be a number ≥ 0`);
      (change as Record<string, number>)[name] = number;
    } else throw new ValidationError(`unknown chaos setting "${name}"`);
  }
  upstream.set(change);
  return upstream.behaviour;
}

/** The route a path belongs to, as a low-cardinality metric label. */
export function routeOf(path: string): string {
  if (path === '/products') return '/products';
  if (path.startsWith('/products/')) return '/products/:id';
  if (path === '/_chaos') return '/_chaos';
  return 'other';
}

/**
 * The catalogue API: `GET /products` and `GET /products/:id`, rate limited per client
 * IP and API key; `POST /_chaos` when enabled. Every failure is thrown and turned into
 * a problem document by the caller's error handler.
 */
export async function handleRoute(req: IncomingMessage, res: ServerResponse, deps: RouteDeps): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://service.local');
  const route = routeOf(url.pathname);
  if (route === '/_chaos' && deps.chaosEndpoint) {
    if (req.method !== 'POST') throw new ValidationError('use POST /_chaos', { status: 405 });
    sendJson(res, 200, chaos(url, deps.upstream));
    return;
  }
  if (route === 'other' || route === '/_chaos') throw new NotFoundError(`No route for ${url.pathname}`);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    throw new ValidationError(`${req.method} is not allowed here; use GET`, { status: 405 });
  }
  await enforceRateLimit(deps.limiter, req, res, deps.trustProxy);
  if (route === '/products') {
    sendJson(res, 200, await deps.catalog.products());
    return;
  }
  const id = url.pathname.slice('/products/'.length);
  if (!/^[1-9]\d{0,8}$/.test(id)) {
    throw new ValidationError(`Product id must be a positive integer, not "${id}"`, {
      details: { id },
      suggestions: ['Use an id from GET /products'],
    });
  }
  sendJson(res, 200, await deps.catalog.product(Number(id)));
}
