import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A product of the catalogue the upstream serves. */
export interface Product {
  id: number;
  name: string;
  priceCents: number;
  stock: number;
}

/** How the upstream behaves right now; every field can change at runtime. */
export interface UpstreamBehaviour {
  /** Base latency of every answer, in ms. */
  latencyMs: number;
  /** Extra random latency, uniformly in [0, jitterMs). */
  jitterMs: number;
  /** Share of requests answered `500` at random, in [0, 1]. */
  errorRate: number;
  /** `ok`: normal; `outage`: every request fails (`503`); `throttle`: `429` with `Retry-After`. */
  mode: 'ok' | 'outage' | 'throttle';
  /** In `throttle` mode, the share of requests refused. */
  throttleRate: number;
  /** The `Retry-After` sent with a `429`, in seconds. */
  retryAfterSeconds: number;
  /** Share of requests that hit the slow tail (a cold replica, a GC pause), in [0, 1]. */
  slowRate: number;
  /** Extra latency of a request in the slow tail, in ms. */
  slowMs: number;
}

/** Counters of what the upstream answered. */
export interface UpstreamStats {
  requests: number;
  ok: number;
  errors: number;
  throttled: number;
}

/** The in-process upstream and its chaos switches. */
export interface Upstream {
  /** The base URL, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** The current behaviour. */
  readonly behaviour: Readonly<UpstreamBehaviour>;
  /** Changes some of the behaviour. */
  set(change: Partial<UpstreamBehaviour>): void;
  /** Back to the behaviour it started with. */
  reset(): void;
  stats(): UpstreamStats;
  close(): Promise<void>;
}

/** The default behaviour: slow-ish and a little flaky, as real dependencies are. */
export const DEFAULT_BEHAVIOUR: UpstreamBehaviour = {
  latencyMs: 20,
  jitterMs: 40,
  errorRate: 0.02,
  mode: 'ok',
  throttleRate: 0.8,
  retryAfterSeconds: 1,
  slowRate: 0.03,
  slowMs: 400,
};

/** The most ids one `GET /products?ids=` may ask for. */
export const MAX_BATCH_IDS = 100;

/** A small deterministic generator, so a seeded run misbehaves the same way every time. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const NAMES = ['anchor', 'ballast', 'compass', 'davit', 'ensign', 'fender', 'gimbal', 'hawser'];

/** The catalogue: `count` products with stable ids 1..count. */
export function catalogue(count: number): Product[] {
  return Array.from({ length: count }, (_, i) => ({
    id: i + 1,
    name: `${NAMES[i % NAMES.length]} ${Math.floor(i / NAMES.length) + 1}`,
    priceCents: 500 + ((i * 7919) % 9500),
    stock: (i * 31) % 50,
  }));
}

function json(res: import('node:http').ServerResponse, status: number, body: unknown, headers = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/**
 * Starts a deliberately slow and flaky catalogue API on a free port of 127.0.0.1:
 * `GET /products`, `GET /products?ids=1,2,3` (a batch read) and `GET /products/:id`,
 * with latency, a slow tail, random errors, throttling
 * (`429` + `Retry-After`) and full outages switchable at runtime through `set`.
 */
export async function startUpstream(
  options: { products?: number; behaviour?: Partial<UpstreamBehaviour>; seed?: number } = {},
): Promise<Upstream> {
  const products = catalogue(options.products ?? 50);
  const initial = { ...DEFAULT_BEHAVIOUR, ...options.behaviour };
  let behaviour: UpstreamBehaviour = { ...initial };
  const random = seededRandom(options.seed ?? 42);
  const counters: UpstreamStats = { requests: 0, ok: 0, errors: 0, throttled: 0 };
  const timers = new Set<NodeJS.Timeout>();

  const answer = (url: string, res: import('node:http').ServerResponse): void => {
    if (behaviour.mode === 'outage') {
      counters.errors++;
      json(res, 503, { title: 'Service Unavailable', detail: 'upstream is down' });
      return;
    }
    if (behaviour.mode === 'throttle' && random() < behaviour.throttleRate) {
      counters.throttled++;
      json(res, 429, { title: 'Too Many Requests' }, { 'retry-after': String(behaviour.retryAfterSeconds) });
      return;
    }
    if (random() < behaviour.errorRate) {
      counters.errors++;
      json(res, 500, { title: 'Internal Server Error', detail: 'random failure' });
      return;
    }
    const [path = '/', query = ''] = url.split('?');
    if (path === '/products') {
      const ids = new URLSearchParams(query).get('ids');
      if (ids !== null) {
        // The batch read: the products found, in the order asked; unknown ids are left out.
        const wanted = ids.split(',').map(Number);
        if (wanted.length > MAX_BATCH_IDS || wanted.some((id) => !Number.isInteger(id) || id < 1)) {
          counters.errors++;
          json(res, 400, { title: 'Bad Request', detail: `ids: up to ${MAX_BATCH_IDS} positive integers` });
          return;
        }
        counters.ok++;
        json(
          res,
          200,
          wanted.flatMap((id) => products[id - 1] ?? []),
        );
        return;
      }
      counters.ok++;
      json(res, 200, products);
      return;
    }
    const match = /^\/products\/(\d+)$/.exec(path);
    const product = match ? products[Number(match[1]) - 1] : undefined;
    if (product === undefined) {
      counters.ok++;
      json(res, 404, { title: 'Not Found', detail: `no product at ${path}` });
      return;
    }
    counters.ok++;
    json(res, 200, product);
  };

  const server: Server = createServer((req, res) => {
    counters.requests++;
    let delay = behaviour.latencyMs + random() * behaviour.jitterMs;
    if (random() < behaviour.slowRate) delay += behaviour.slowMs;
    const timer = setTimeout(() => {
      timers.delete(timer);
      answer(req.url ?? '/', res);
    }, delay);
    timers.add(timer);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    get behaviour() {
      return behaviour;
    },
    set(change) {
      behaviour = { ...behaviour, ...change };
    },
    reset() {
      behaviour = { ...initial };
    },
    stats: () => ({ ...counters }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
