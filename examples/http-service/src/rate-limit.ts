import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RateLimitedError } from '@ballast/errors';
import {
  type CircuitBreaker,
  circuitBreaker,
  consecutiveFailures,
  pipeline,
  type RateLimitDecision,
  type RateLimiter,
  rateLimitHeaders,
  redisRateLimiter,
  timeout,
  tokenBucket,
} from '@ballast/resilience';
import type { Redis } from 'ioredis';

/** One limit: at most `max` requests per `per`. */
export interface Limit {
  max: number;
  per: string;
}

/** The default limits, for each client IP and each API key. */
export const DEFAULT_LIMITS: readonly Limit[] = [
  { max: 60, per: '1m' },
  { max: 1000, per: '1h' },
];

/** The most restrictive of several decisions: a refusal first, then the fewest remaining. */
function tightest(decisions: readonly RateLimitDecision[]): RateLimitDecision {
  let worst = decisions[0] as RateLimitDecision;
  for (const d of decisions) {
    if (worst.allowed !== d.allowed ? !d.allowed : d.remaining < worst.remaining) worst = d;
  }
  return worst;
}

/**
 * In memory, one token bucket per limit (60 per minute refills one a second after a
 * burst of 60); the hourly bucket is only charged when the minute one admits.
 */
function memoryLimiter(limits: readonly Limit[]): RateLimiter {
  const buckets = limits.map(({ max, per }) => tokenBucket({ rate: max, per, burst: max }));
  return {
    take(key, cost = 1) {
      const decisions: RateLimitDecision[] = [];
      for (const bucket of buckets) {
        const decision = bucket.take(key, cost);
        decisions.push(decision);
        if (!decision.allowed) break;
      }
      return tightest(decisions);
    },
  };
}

/** A limiter, and with Redis the breaker that guards it (a health indicator). */
export interface GuardedLimiter {
  limiter: RateLimiter;
  breaker: CircuitBreaker | undefined;
}

/**
 * The limiter: token buckets in memory, or `redisRateLimiter` (shared by every replica)
 * with Redis. While Redis fails, the Redis limiter decides with its in-process share of
 * each limit (`onRedisError: 'local'`, the default). A Redis that does not answer at all
 * would make every request wait, so each take also runs under a 100 ms timeout and a
 * circuit breaker; when either gives up, this replica's own token buckets decide: never
 * everyone admitted, never no one.
 */
export function createRateLimiter(limits: readonly Limit[], redis?: Redis, prefix?: string): GuardedLimiter {
  if (redis === undefined) return { limiter: memoryLimiter(limits), breaker: undefined };
  const shared = redisRateLimiter({
    client: redis,
    limits,
    ...(prefix === undefined ? {} : { prefix }),
  });
  const breaker = circuitBreaker({
    name: 'ratelimit',
    strategy: consecutiveFailures(3),
    halfOpenAfter: '5s',
  });
  const guard = pipeline(breaker, timeout('100ms'));
  const local = memoryLimiter(limits);
  return {
    breaker,
    limiter: {
      take: (key, cost = 1) => guard.execute(() => shared.take(key, cost)).catch(() => local.take(key, cost)),
    },
  };
}

/** The API key a request presents (`x-api-key`, `Authorization: Bearer …` or `?api_key=`), if any. */
export function apiKeyOf(req: IncomingMessage): string | undefined {
  const header = req.headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header;
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7);
  const query = /[?&]api_key=([^&]+)/.exec(req.url ?? '');
  return query ? decodeURIComponent(query[1] as string) : undefined;
}

/** The client address: the first `X-Forwarded-For` hop behind a trusted proxy, else the socket. */
export function clientIp(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = req.headers['x-forwarded-for'];
  if (trustProxy && typeof forwarded === 'string') {
    const first = forwarded.split(',')[0]?.trim();
    if (first) return first;
  }
  return req.socket.remoteAddress ?? 'unknown';
}

/** A short digest, so no API key is ever a Redis key or a metric label. */
function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url').slice(0, 16);
}

/**
 * Charges one request to the client IP and, when one is presented, the API key; sets
 * the IETF `RateLimit-*` headers of the tightest limit and throws `RateLimitedError`
 * (turned into a 429 problem with `Retry-After` by the error handler) when refused.
 */
export async function enforceRateLimit(
  limiter: RateLimiter,
  req: IncomingMessage,
  res: ServerResponse,
  trustProxy: boolean,
): Promise<void> {
  const key = apiKeyOf(req);
  const takes = [limiter.take(`ip:${clientIp(req, trustProxy)}`)];
  if (key !== undefined) takes.push(limiter.take(`key:${digest(key)}`));
  const decision = tightest(await Promise.all(takes));
  for (const [name, value] of Object.entries(rateLimitHeaders(decision))) res.setHeader(name, value);
  if (!decision.allowed) {
    throw new RateLimitedError('Too many requests for this client', {
      retryAfterMs: decision.retryAfterMs,
      details: { limit: decision.limit, retryAfterMs: decision.retryAfterMs },
      suggestions: ['Wait for the Retry-After delay, then retry; spread requests out over the minute.'],
    });
  }
}
