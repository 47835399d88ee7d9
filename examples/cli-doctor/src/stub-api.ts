import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '@ballast/core';
import type { HttpResponse, Transport } from './http.js';

/**
 * What the stub simulates, alone or together (`COURSES_STUB=expired-token,low-quota`):
 * - `ok`: a healthy API;
 * - `down`: an outage, every call (health included) answers 503;
 * - `storm`: a 429 storm, the next {@link StubOptions.stormLength} calls answer 429 with
 *   `Retry-After: 1`, then the API recovers;
 * - `rate-limited`: every call answers 429 with `Retry-After: 30`;
 * - `expired-token`: every token is refused as expired (401);
 * - `low-quota`: a script has used 57 of this hour's 60 calls.
 */
export type StubCondition = 'ok' | 'down' | 'storm' | 'rate-limited' | 'expired-token' | 'low-quota';

/** Every condition the stub knows. */
export const STUB_CONDITIONS: readonly StubCondition[] = [
  'ok',
  'down',
  'storm',
  'rate-limited',
  'expired-token',
  'low-quota',
];

/** Options of {@link createStubApi}. */
export interface StubOptions {
  /** What the API does now; change `stub.conditions` later to script a scenario. @defaultValue `['ok']` */
  conditions?: readonly StubCondition[];
  /** Calls per window (every call but `/health` counts, refused ones too). @defaultValue 60, or 60 with 57 used for `low-quota` */
  quota?: { limit: number; windowMs: number; used?: number };
  /** 429s in a `storm`. @defaultValue 3 */
  stormLength?: number;
  /** `X-RateLimit-*` headers (epoch-second reset, GitHub's style) instead of `RateLimit-*`. @defaultValue false */
  legacyHeaders?: boolean;
  /** Time for the quota window. @defaultValue `Date.now` */
  clock?: Pick<Clock, 'now'>;
}

/** A stub of the course-management API: an HTTP server, or in-process through `transport`. */
export interface StubApi {
  /** The base URL: the server's, or `http://stub.invalid` in process. */
  readonly url: string;
  /** Paths asked for so far, with their query (the health endpoint included). */
  readonly requests: string[];
  /** What the API does now. */
  conditions: StubCondition[];
  /** Answers one GET. */
  respond(pathAndQuery: string, headers: IncomingHttpHeaders): HttpResponse;
  /** Calls `respond` with no socket: for tests on a `ManualClock`. */
  readonly transport: Transport;
  close(): Promise<void>;
}

interface Course {
  id: string;
  title: string;
  teacher: string;
}
const COURSES: Course[] = [
  { id: '1', title: 'Algebra I', teacher: 'u1' },
  { id: '2', title: 'Organic Chemistry', teacher: 'u2' },
  { id: '3', title: 'World History', teacher: 'u1' },
  { id: '4', title: 'Poetry Workshop', teacher: 'u3' },
];
const USERS: Record<string, { id: string; name: string; role: string }> = {
  u1: { id: 'u1', name: 'Ada Lovelace', role: 'teacher' },
  u2: { id: 'u2', name: 'Rosalind Franklin', role: 'teacher' },
  u3: { id: 'u3', name: 'Mary Oliver', role: 'teacher' },
  s1: { id: 's1', name: 'Sam Student', role: 'student' },
  s2: { id: 's2', name: 'Alex Learner', role: 'student' },
  s3: { id: 's3', name: 'Kim Pupil', role: 'student' },
};
const ASSIGNMENTS: Record<string, Array<{ id: string; title: string; due: string }>> = {
  '1': [
    { id: 'a1', title: 'Linear equations', due: '2026-12-01' },
    { id: 'a2', title: 'Quadratics', due: '2026-12-15' },
  ],
  '2': [{ id: 'a3', title: 'Alkanes lab report', due: '2026-12-05' }],
  '3': [],
  '4': [{ id: 'a4', title: 'A sonnet', due: '2026-12-10' }],
};
const GRADES: Record<string, Array<{ student: string; assignment: string; score: number }>> = {
  '1': [
    { student: 's1', assignment: 'a1', score: 92 },
    { student: 's2', assignment: 'a1', score: 81 },
    { student: 's3', assignment: 'a1', score: 88 },
    { student: 's1', assignment: 'a2', score: 85 },
  ],
  '2': [{ student: 's1', assignment: 'a3', score: 78 }],
  '3': [],
  '4': [],
};

function route(path: string, query: URLSearchParams, token: string): unknown {
  if (path === '/me') return USERS[token.startsWith('student') ? 's1' : 'u1'];
  if (path === '/courses') return COURSES;
  if (path === '/users' && query.has('ids')) {
    return (query.get('ids') ?? '').split(',').flatMap((id) => USERS[id] ?? []);
  }
  let match = /^\/courses\/([^/]+)$/.exec(path);
  if (match) return COURSES.find((course) => course.id === match?.[1]);
  match = /^\/courses\/([^/]+)\/assignments$/.exec(path);
  if (match) return ASSIGNMENTS[match[1] as string];
  match = /^\/courses\/([^/]+)\/grades$/.exec(path);
  if (match) return GRADES[match[1] as string];
  match = /^\/users\/([^/]+)$/.exec(path);
  if (match) return USERS[match[1] as string];
  return undefined;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  const type = status >= 400 ? 'application/problem+json' : 'application/json';
  return { status, headers: { 'content-type': type, ...headers }, body: JSON.stringify(body) };
}

function problem(status: number, title: string, detail: string, headers: Record<string, string> = {}) {
  return json(status, { type: 'about:blank', title, status, detail }, headers);
}

/**
 * A stub of the course-management API: `/health`, `/me`, `/courses`, `/courses/:id`,
 * `/courses/:id/assignments`, `/courses/:id/grades`, `/users/:id` and `/users?ids=a,b`
 * (many users in one call). It wants `Authorization: Bearer <token>` and refuses a token
 * starting with `expired`; every call but `/health` counts against a quota announced in
 * `RateLimit-Limit`/`-Remaining`/`-Reset` (or `X-RateLimit-*`), and a call over it answers
 * 429 with `Retry-After`. Its `conditions` script outages, 429 storms and expired tokens.
 */
export function createStubApi(options: StubOptions = {}, url = 'http://stub.invalid'): StubApi {
  const clock = options.clock ?? Date;
  const conditions = [...(options.conditions ?? ['ok'])];
  const quota = options.quota ?? { limit: 60, windowMs: 3_600_000 };
  let used = options.quota?.used ?? (conditions.includes('low-quota') ? 57 : 0);
  let windowEnd: number | undefined;
  let storm = options.stormLength ?? 3;

  /** Counts the call; returns the rate-limit headers and whether it was over the quota. */
  const count = (): { headers: Record<string, string>; over: boolean } => {
    const now = clock.now();
    if (windowEnd === undefined || now >= windowEnd) {
      if (windowEnd !== undefined) used = 0;
      windowEnd = now + quota.windowMs;
    }
    used += 1;
    const remaining = Math.max(0, quota.limit - used);
    const resetSeconds = Math.ceil((windowEnd - now) / 1000);
    const headers = options.legacyHeaders
      ? {
          'x-ratelimit-limit': String(quota.limit),
          'x-ratelimit-remaining': String(remaining),
          'x-ratelimit-reset': String(Math.ceil(windowEnd / 1000)),
        }
      : {
          'ratelimit-limit': String(quota.limit),
          'ratelimit-remaining': String(remaining),
          'ratelimit-reset': String(resetSeconds),
        };
    const over = used > quota.limit;
    return { headers: over ? { ...headers, 'retry-after': String(resetSeconds) } : headers, over };
  };

  const respond = (pathAndQuery: string, headers: IncomingHttpHeaders): HttpResponse => {
    stub.requests.push(pathAndQuery);
    const { pathname: path, searchParams } = new URL(pathAndQuery, 'http://stub.invalid');
    const now = stub.conditions;
    if (now.includes('down')) {
      return problem(503, 'Service Unavailable', 'The courses API is down for maintenance.');
    }
    if (path === '/health') return json(200, { status: 'pass' });
    const limits = count();
    if (limits.over) {
      return problem(429, 'Too Many Requests', 'The hourly quota is used up.', limits.headers);
    }
    if (now.includes('rate-limited')) {
      return problem(429, 'Too Many Requests', 'Slow down.', { ...limits.headers, 'retry-after': '30' });
    }
    if (now.includes('storm') && storm > 0) {
      storm -= 1;
      return problem(429, 'Too Many Requests', 'Everyone is calling at once.', {
        ...limits.headers,
        'retry-after': '1',
      });
    }
    const auth = headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (token === '') {
      return problem(401, 'Unauthorized', 'No API token was sent.', {
        ...limits.headers,
        'www-authenticate': 'Bearer realm="courses"',
      });
    }
    if (token.startsWith('expired') || now.includes('expired-token')) {
      return problem(401, 'Unauthorized', 'The access token expired.', {
        ...limits.headers,
        'www-authenticate':
          'Bearer realm="courses", error="invalid_token", error_description="The access token expired"',
      });
    }
    const body = route(path, searchParams, token);
    if (body === undefined) return problem(404, 'Not Found', `Nothing at ${path}.`, limits.headers);
    return json(200, body, limits.headers);
  };

  const stub: StubApi = {
    url,
    requests: [],
    conditions,
    respond,
    transport: async (target, init) => {
      init.signal?.throwIfAborted();
      const { pathname, search } = new URL(target);
      const headers = Object.fromEntries(Object.entries(init.headers).map(([k, v]) => [k.toLowerCase(), v]));
      return respond(`${pathname}${search}`, headers);
    },
    close: async () => {},
  };
  return stub;
}

/** Starts {@link createStubApi} as an HTTP server on a free loopback port. */
export function startStubApi(options: StubOptions = {}): Promise<StubApi> {
  return new Promise((resolve, reject) => {
    let stub: StubApi | undefined;
    const server = createServer((req, res) => {
      const answer = (stub as StubApi).respond(req.url ?? '/', req.headers);
      res.writeHead(answer.status, answer.headers as Record<string, string>);
      res.end(answer.body);
    });
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      stub = createStubApi(options, `http://127.0.0.1:${port}`);
      stub.close = () =>
        new Promise<void>((done) => {
          server.closeAllConnections();
          server.close(() => done());
        });
      resolve(stub);
    });
  });
}
