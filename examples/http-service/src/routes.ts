import type { IncomingMessage, ServerResponse } from 'node:http';
import { NotFoundError, ValidationError } from '@ballast/errors';
import type { RateLimiter } from '@ballast/resilience';
import { type AdminDeps, type AdminRequest, handleAdmin, privileged } from './admin.js';
import type { Catalog } from './catalog.js';
import { clientIp, enforceRateLimit } from './rate-limit.js';
import type { Product, Upstream, UpstreamBehaviour } from './upstream.js';

/** What the routes need. */
export interface RouteDeps {
  catalog: Catalog;
  limiter: RateLimiter;
  trustProxy: boolean;
  upstream: Upstream;
  chaosEndpoint: boolean;
  /** The admin API and its audit log, when admins are configured. */
  admin?: AdminDeps | undefined;
}

/** The most products one `GET /products?ids=` may ask for. */
export const MAX_IDS = 50;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}

const MODES = new Set(['ok', 'outage', 'throttle']);

const PRODUCT_ID = /^[1-9]\d{0,8}$/;

/** What `POST /_chaos?mode=outage&latencyMs=500&errorRate=0.3` asks for, checked. */
function chaosChange(url: URL): { reset: boolean; change: Partial<UpstreamBehaviour> } {
  const change: Partial<UpstreamBehaviour> = {};
  let reset = false;
  for (const [name, value] of url.searchParams) {
    if (name === 'mode') {
      if (!MODES.has(value)) throw new ValidationError(`mode must be ok, outage or throttle, not "${value}"`);
      change.mode = value as UpstreamBehaviour['mode'];
    } else if (name === 'reset') reset = true;
    else if (
      [
        'latencyMs',
        'jitterMs',
        'errorRate',
        'throttleRate',
        'retryAfterSeconds',
        'slowRate',
        'slowMs',
      ].includes(name)
    ) {
      const number = Number(value);
      if (!Number.isFinite(number) || number < 0) throw new ValidationError(`${name} must be a number ≥ 0`);
      (change as Record<string, number>)[name] = number;
    } else throw new ValidationError(`unknown chaos setting "${name}"`);
  }
  return { reset, change };
}

/** Switches the upstream's behaviour; once admins exist, only an admin may, and it is audited. */
async function chaos(req: IncomingMessage, res: ServerResponse, url: URL, deps: RouteDeps): Promise<void> {
  const apply = () => {
    const { reset, change } = chaosChange(url);
    return () => {
      if (reset) deps.upstream.reset();
      deps.upstream.set(change);
      sendJson(res, 200, deps.upstream.behaviour);
    };
  };
  if (deps.admin === undefined) return apply()();
  await privileged(deps.admin, adminRequest(req, res, deps), 'chaos.change', async (_actor, record) => {
    const run = apply();
    record({ target: Object.fromEntries(url.searchParams) });
    run();
  });
}

function adminRequest(req: IncomingMessage, res: ServerResponse, deps: RouteDeps): AdminRequest {
  return { req, res, requestId: String(res.getHeader('x-request-id')), ip: clientIp(req, deps.trustProxy) };
}

/**
 * `GET /products?ids=3,7,12`: the products in the order asked, and the ids that do not
 * exist. Each id is read through the cache; those that miss are loaded upstream in one
 * batch. Any other failure (the upstream down for an id never cached) fails the request.
 */
async function productsByIds(
  catalog: Catalog,
  list: string,
): Promise<{ products: Product[]; missing: number[] }> {
  const ids = [...new Set(list.split(','))];
  const bad = ids.find((id) => !PRODUCT_ID.test(id));
  if (bad !== undefined || ids.length > MAX_IDS) {
    throw new ValidationError(`ids must be up to ${MAX_IDS} positive integers separated by commas`, {
      details: { ids: list.slice(0, 200) },
      suggestions: ['GET /products?ids=1,2,3'],
    });
  }
  const results = await Promise.allSettled(ids.map((id) => catalog.product(Number(id))));
  const products: Product[] = [];
  const missing: number[] = [];
  results.forEach((result, i) => {
    if (result.status === 'fulfilled') products.push(result.value);
    else if ((result.reason as { status?: unknown }).status === 404) missing.push(Number(ids[i]));
    else throw result.reason;
  });
  return { products, missing };
}

/** The route a path belongs to, as a low-cardinality metric label. */
export function routeOf(path: string): string {
  if (path === '/products') return '/products';
  if (path.startsWith('/products/')) return '/products/:id';
  if (path === '/_chaos') return '/_chaos';
  if (path.startsWith('/admin/')) return '/admin';
  return 'other';
}

/**
 * The catalogue API: `GET /products`, `GET /products?ids=` and `GET /products/:id`, rate
 * limited per client IP and API key; `/admin/*` when admins are configured; `POST /_chaos`
 * when enabled. Every failure is thrown and turned into
 * a problem document by the caller's error handler.
 */
export async function handleRoute(req: IncomingMessage, res: ServerResponse, deps: RouteDeps): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://service.local');
  const route = routeOf(url.pathname);
  if (route === '/_chaos' && deps.chaosEndpoint) {
    if (req.method !== 'POST') throw new ValidationError('use POST /_chaos', { status: 405 });
    return chaos(req, res, url, deps);
  }
  if (route === '/admin' && deps.admin !== undefined) {
    // Rate limited like every client, which also slows down anyone guessing tokens.
    await enforceRateLimit(deps.limiter, req, res, deps.trustProxy);
    return handleAdmin(url.pathname, adminRequest(req, res, deps), deps.admin);
  }
  if (route === 'other' || route === '/_chaos' || route === '/admin') {
    throw new NotFoundError(`No route for ${url.pathname}`);
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    throw new ValidationError(`${req.method} is not allowed here; use GET`, { status: 405 });
  }
  await enforceRateLimit(deps.limiter, req, res, deps.trustProxy);
  if (route === '/products') {
    const ids = url.searchParams.get('ids');
    sendJson(res, 200, ids === null ? await deps.catalog.products() : await productsByIds(deps.catalog, ids));
    return;
  }
  const id = url.pathname.slice('/products/'.length);
  if (!PRODUCT_ID.test(id)) {
    throw new ValidationError(`Product id must be a positive integer, not "${id}"`, {
      details: { id },
      suggestions: ['Use an id from GET /products'],
    });
  }
  sendJson(res, 200, await deps.catalog.product(Number(id)));
}
