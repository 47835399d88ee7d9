import { type Cache, type CacheBus, type CacheTier, createCache, memoryTier } from '@ballast/cache';
import type { Duration } from '@ballast/core';
import { withSpan } from '@ballast/core';
import { isBallastError } from '@ballast/errors';
import {
  bulkhead,
  type CircuitBreaker,
  circuitBreaker,
  consecutiveFailures,
  exponentialBackoff,
  isBrokenCircuitError,
  isRetryable,
  type Policy,
  pipeline,
  retry,
  retryBudget,
  timeout,
} from '@ballast/resilience';
import { trace } from '@opentelemetry/api';
import type { Product } from './upstream.js';
import type { UpstreamClient } from './upstream-client.js';

/** Options of {@link createCatalog}. */
export interface CatalogOptions {
  client: UpstreamClient;
  /** Tiers after the in-process L1 (a Redis tier when `REDIS_URL` is set). */
  extraTiers?: CacheTier[];
  /** Keeps the L1s of several replicas coherent (`redisBus` when `REDIS_URL` is set). */
  bus?: CacheBus;
  ttl?: { products?: Duration; product?: Duration };
  halfOpenAfter?: Duration;
  upstreamTimeout?: Duration;
}

/** The catalogue read path: the tiered cache in front of the resilient upstream calls. */
export interface Catalog {
  products(signal?: AbortSignal): Promise<Product[]>;
  product(id: number, signal?: AbortSignal): Promise<Product>;
  readonly cache: Cache;
  readonly breaker: CircuitBreaker;
}

const tracer = trace.getTracer('http-service');

/**
 * Composes the upstream protection, outermost first: a retry (3 attempts, exponential
 * backoff, honouring `Retry-After` up to 1 s, under a shared retry budget, never
 * retrying into an open breaker), the circuit breaker (opens after 5 consecutive
 * failures), a bulkhead (20 concurrent calls, 50 queued) and a timeout per attempt.
 * In front of it the cache: product list and products per namespace TTL, kept 10 min
 * past their TTL to be served stale when the upstream fails (stale-if-error) or takes
 * longer than 250 ms while a stale value is at hand.
 */
export function createCatalog(options: CatalogOptions): Catalog {
  const breaker = circuitBreaker({
    name: 'upstream',
    strategy: consecutiveFailures(5),
    halfOpenAfter: options.halfOpenAfter ?? '5s',
  });
  const upstream: Policy = pipeline(
    retry({
      maxAttempts: 3,
      backoff: exponentialBackoff({ initial: 50, max: 500 }),
      respectRetryAfter: { max: '1s' },
      budget: retryBudget({ ratio: 0.2, minPerSecond: 5 }),
      // GETs are idempotent: any 5xx is worth another attempt, an open breaker never.
      shouldRetry: (error) =>
        !isBrokenCircuitError(error) &&
        (isRetryable(error) || (isBallastError(error) && error.status >= 500)),
    }),
    breaker,
    bulkhead({ limit: 20, queue: 50 }),
    timeout(options.upstreamTimeout ?? '1s'),
  );
  const cache = createCache({
    name: 'catalog',
    tiers: [memoryTier({ maxEntries: 1_000 }), ...(options.extraTiers ?? [])],
    ...(options.bus === undefined ? {} : { bus: options.bus }),
    grace: '10m',
    timeouts: { soft: '250ms', hard: '5s' },
    policies: {
      products: { ttl: options.ttl?.products ?? '5s', grace: '10m' },
      product: { ttl: options.ttl?.product ?? '10s', grace: '10m' },
    },
  });
  const fetchJson = <T>(path: string, signal: AbortSignal): Promise<T> =>
    withSpan(tracer, 'upstream GET', { 'url.path': path }, () =>
      upstream.execute((ctx) => options.client.getJson<T>(path, ctx.signal), signal),
    );
  const products = cache.namespace('products');
  const product = cache.namespace('product');
  return {
    cache,
    breaker,
    products: (signal) =>
      products.getOrSet(
        'all',
        (ctx) => fetchJson<Product[]>('/products', ctx.signal),
        signal ? { signal } : {},
      ),
    product: (id, signal) =>
      product.getOrSet(
        String(id),
        (ctx) => fetchJson<Product>(`/products/${id}`, ctx.signal),
        signal ? { signal } : {},
      ),
  };
}
