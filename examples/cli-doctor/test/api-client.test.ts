import { createCache, memoryTier } from '@ballast/cache';
import { ManualClock } from '@ballast/core/testing';
import { AuthenticationError, RateLimitedError, toUserMessage, UnavailableError } from '@ballast/errors';
import { createLogger, type Logger } from '@ballast/logger';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiClient } from '../src/api-client.js';
import { dataCommands, usersBatcher } from '../src/commands.js';
import { TTLS } from '../src/config.js';
import { quotaOf } from '../src/doctor.js';
import type { Transport } from '../src/http.js';
import { createStubApi, type StubOptions } from '../src/stub-api.js';

// Everything here runs in process on a ManualClock: the stub's transport answers with no
// socket, and every wait (Retry-After, backoff, the breaker's 30 s, a quota reset) is
// virtual time that the test moves.

const TOKEN = 'tok_live_4f9a2c7e1b8d';

/** Moves virtual time 100 ms at a step until `promise` settles; resolves what it settled with. */
async function drive<T>(clock: ManualClock, promise: Promise<T>): Promise<PromiseSettledResult<T>> {
  let settled: PromiseSettledResult<T> | undefined;
  promise.then(
    (value) => {
      settled = { status: 'fulfilled', value };
    },
    (reason: unknown) => {
      settled = { status: 'rejected', reason };
    },
  );
  for (let step = 0; settled === undefined; step++) {
    if (step > 100_000) throw new Error('the call never settled');
    await clock.advance(100);
  }
  return settled;
}

async function value<T>(clock: ManualClock, promise: Promise<T>): Promise<T> {
  const result = await drive(clock, promise);
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

async function failure(clock: ManualClock, promise: Promise<unknown>): Promise<unknown> {
  const result = await drive(clock, promise);
  if (result.status === 'fulfilled') throw new Error('expected the call to fail');
  return result.reason;
}

describe('the API client against the simulated API', () => {
  let clock: ManualClock;
  let lines: string[];
  let log: Logger;
  /** When (virtual ms since the start) each request reached the stub, and its status. */
  let calls: Array<{ at: number; path: string; status: number }>;
  const start = Date.UTC(2026, 11, 7, 9, 0);

  beforeEach(() => {
    clock = new ManualClock({ now: start });
    lines = [];
    log = createLogger({
      level: 'debug',
      clock,
      sinks: [{ name: 'memory', write: (line) => void lines.push(line) }],
    });
  });
  afterEach(async () => {
    await log.close();
  });

  function setup(options: StubOptions = {}, token: string | undefined = TOKEN) {
    const stub = createStubApi({ clock, ...options });
    calls = [];
    const transport: Transport = async (url, init) => {
      const res = await stub.transport(url, init);
      calls.push({ at: clock.now() - start, path: url.slice(stub.url.length), status: res.status });
      return res;
    };
    const api = createApiClient({ baseUrl: stub.url, token, log, clock, transport });
    return { stub, api };
  }

  it('rides out a 429 storm: waits each Retry-After, then answers', async () => {
    const { api } = setup({ conditions: ['storm'], stormLength: 3 });
    const courses = await value(clock, api.get<unknown[]>('/courses'));
    expect(courses).toHaveLength(4);
    expect(calls.map((call) => call.status)).toEqual([429, 429, 429, 200]);
    for (let i = 1; i < calls.length; i++) {
      expect((calls[i]?.at ?? 0) - (calls[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(1_000); // Retry-After: 1
    }
    expect(api.breaker.state).toBe('closed'); // a 429 is no outage
    expect(lines.filter((line) => line.includes('"msg":"retrying the courses API"'))).toHaveLength(3);
  });

  it('does not sit out a long Retry-After: says at once how long to wait', async () => {
    const { api } = setup({ conditions: ['rate-limited'] });
    const error = await failure(clock, api.get('/courses'));
    expect(RateLimitedError.is(error)).toBe(true);
    expect(calls).toHaveLength(1);
    expect(toUserMessage(error)).toContain('- Wait 30s before trying again.');
  });

  it('in an outage: 3 attempts open the breaker, later calls fail at once, a probe after 30 s closes it', async () => {
    const { stub, api } = setup({ conditions: ['down'] });
    const first = await failure(clock, api.get('/courses'));
    expect(UnavailableError.is(first)).toBe(true);
    expect(toUserMessage(first)).toContain('The courses API is unavailable right now.');
    expect(calls.map((call) => call.status)).toEqual([503, 503, 503]);
    expect(api.breaker.state).toBe('open');

    const second = await failure(clock, api.get('/courses/1'));
    expect(toUserMessage(second)).toContain('Run `courses doctor`');
    expect(calls).toHaveLength(3); // failed without calling the API

    stub.conditions = ['ok'];
    await clock.advance(30_000);
    expect(await value(clock, api.get('/courses/1'))).toMatchObject({ title: 'Algebra I' });
    expect(api.breaker.state).toBe('closed');
    const transitions = lines.filter((line) => line.includes('courses API breaker'));
    expect(transitions.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual([
      'courses API breaker closed → open',
      'courses API breaker open → half-open',
      'courses API breaker half-open → closed',
    ]);
  });

  it('reports an expired token once, without retrying and without tripping the breaker', async () => {
    const { api } = setup({ conditions: ['expired-token'] });
    const error = await failure(clock, api.get('/courses'));
    expect(AuthenticationError.is(error)).toBe(true);
    expect(toUserMessage(error)).toMatch(/^Your API token has expired\./);
    expect(toUserMessage(error)).toContain('export COURSES_API_TOKEN');
    expect(calls).toHaveLength(1);
    expect(api.breaker.state).toBe('closed');
  });

  it('redacts the token from every log line, the request headers included', async () => {
    const { api } = setup({ conditions: ['expired-token'] });
    await failure(clock, api.get('/courses'));
    const request = lines.find((line) => line.includes('"msg":"GET /courses 401"'));
    expect(request).toContain('"authorization":"[REDACTED]"');
    expect(lines.join('\n')).not.toContain(TOKEN);
  });

  const paths = [
    '/courses',
    '/courses/1',
    '/courses/2',
    '/courses/3',
    '/courses/4',
    '/users/u1',
    '/users/u2',
  ];

  it.each([
    ['RateLimit-*', false],
    ['X-RateLimit-* (epoch reset)', true],
  ])(
    'reads the quota from %s and holds calls until the reset instead of collecting 429s',
    async (_, legacy) => {
      const { api } = setup({ quota: { limit: 5, windowMs: 10_000 }, legacyHeaders: legacy });
      for (const path of paths) await value(clock, api.get(path));
      expect(calls.map((call) => call.status)).toEqual([200, 200, 200, 200, 200, 200, 200]);
      for (const call of calls.slice(0, 5)) expect(call.at).toBeLessThan(1_000);
      for (const call of calls.slice(5)) expect(call.at).toBeGreaterThanOrEqual(9_000); // held until the window reset
      expect(lines.some((line) => line.includes('"reason":"quota"'))).toBe(true);
    },
  );

  it('with calls in flight when the quota runs out, shrinks its concurrency and retries them after the reset', async () => {
    const { api } = setup({ quota: { limit: 5, windowMs: 10_000 } });
    const answers = await value(clock, Promise.all(paths.map((path) => api.get(path))));
    expect(answers).toHaveLength(7);
    const refused = calls.filter((call) => call.status === 429);
    expect(refused.length).toBeLessThanOrEqual(2); // only calls already sent when the 5th answer came
    const retried = calls.slice(5).filter((call) => call.status === 200);
    expect(retried).toHaveLength(2);
    for (const call of retried) expect(call.at).toBeGreaterThanOrEqual(9_000);
  });

  it('batches the users a command needs into one request', async () => {
    const { stub, api } = setup();
    const cache = createCache({ name: 'test', tiers: [memoryTier()], policies: TTLS, clock });
    const users = usersBatcher(api, clock);
    try {
      const commands = dataCommands(cache, api, users);
      const list = await value(clock, commands.list());
      expect(list).toMatch(/4\s+Poetry Workshop\s+Mary Oliver/);
      expect(stub.requests).toEqual(['/courses', '/users?ids=u1,u2,u3']);
      await value(clock, commands.grades(['1']));
      expect(stub.requests.slice(2)).toEqual(['/courses/1/grades', '/users?ids=s1,s2,s3']);
      await value(clock, commands.course(['2'])); // the teacher is cached: one request
      expect(stub.requests.slice(4)).toEqual(['/courses/2']);
      const missing = await failure(clock, commands.user(['u9']));
      expect(toUserMessage(missing)).toContain('User u9 was not found.');
    } finally {
      await users.close();
      await cache.close();
    }
  });
});

describe('reading rate-limit headers', () => {
  it('reads RateLimit-* and X-RateLimit-* (epoch reset) to the same quota', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.nat({ max: 100_000 }),
        fc.integer({ min: 0, max: 86_400 }),
        fc.integer({ min: 1_600_000_000_000, max: 2_000_000_000_000 }),
        (limit, used, resetSeconds, now) => {
          const remaining = Math.max(0, limit - used);
          const ietf = quotaOf(
            {
              status: 200,
              headers: {
                'ratelimit-limit': String(limit),
                'ratelimit-remaining': String(remaining),
                'ratelimit-reset': String(resetSeconds),
              },
              body: '',
            },
            now,
          );
          const legacy = quotaOf(
            {
              status: 200,
              headers: {
                'x-ratelimit-limit': String(limit),
                'x-ratelimit-remaining': String(remaining),
                'x-ratelimit-reset': String(Math.ceil(now / 1000) + resetSeconds),
              },
              body: '',
            },
            now,
          );
          expect(ietf).toEqual({ limit, remaining, resetMs: resetSeconds * 1000 });
          expect(legacy?.limit).toBe(limit);
          expect(legacy?.remaining).toBe(remaining);
          // The epoch form loses the sub-second part of `now`: at most one second later.
          expect((legacy?.resetMs ?? -1) - resetSeconds * 1000).toBeGreaterThanOrEqual(0);
          expect((legacy?.resetMs ?? -1) - resetSeconds * 1000).toBeLessThanOrEqual(1_000);
        },
      ),
    );
  });

  it('finds no quota without the headers', () => {
    expect(quotaOf({ status: 200, headers: {}, body: '' }, 0)).toBeUndefined();
  });
});
