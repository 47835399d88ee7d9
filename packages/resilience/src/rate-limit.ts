/** What a rate limiter answers for one `take(key, cost)`. */
export interface RateLimitDecision {
  /** Whether the cost was admitted (and consumed). */
  readonly allowed: boolean;
  /** Units still available right now under the most restrictive limit. */
  readonly remaining: number;
  /** The most restrictive limit's size (burst or max per window). */
  readonly limit: number;
  /** Milliseconds until that limit is fully available again. */
  readonly resetMs: number;
  /** Milliseconds to wait before the same take could succeed (`0` when allowed). */
  readonly retryAfterMs: number;
}

/** A keyed rate limiter: a token bucket or the Redis limiter. */
export interface RateLimiter {
  /** Takes `cost` units for `key`, returning the decision. */
  take(key: string, cost?: number): RateLimitDecision | Promise<RateLimitDecision>;
}

/**
 * The IETF `RateLimit` headers for a decision (draft-ietf-httpapi-ratelimit-headers):
 * `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (seconds) and, when
 * the call was refused, `Retry-After` (seconds, rounded up).
 *
 * @example
 * const decision = await limiter.take(req.ip);
 * for (const [name, value] of Object.entries(rateLimitHeaders(decision))) res.setHeader(name, value);
 */
export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  const headers: Record<string, string> = {
    'RateLimit-Limit': String(decision.limit),
    'RateLimit-Remaining': String(Math.max(0, Math.floor(decision.remaining))),
    'RateLimit-Reset': String(Math.max(0, Math.ceil(decision.resetMs / 1000))),
  };
  if (!decision.allowed)
    headers['Retry-After'] = String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
  return headers;
}
