import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the stub behaves: healthy, fully down (503), or rate limiting every call (429). */
export type StubMode = 'ok' | 'down' | 'rate-limited';

/** A running stub of the course-management API. */
export interface StubApi {
  /** The base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Requests served so far, by path (the health endpoint included). */
  readonly requests: string[];
  mode: StubMode;
  close(): Promise<void>;
}

const COURSES = [
  { id: '1', title: 'Algebra I', teacher: 'u1' },
  { id: '2', title: 'Organic Chemistry', teacher: 'u2' },
  { id: '3', title: 'World History', teacher: 'u1' },
];
const USERS: Record<string, { id: string; name: string; role: string }> = {
  u1: { id: 'u1', name: 'Ada Lovelace', role: 'teacher' },
  u2: { id: 'u2', name: 'Rosalind Franklin', role: 'teacher' },
  s1: { id: 's1', name: 'Sam Student', role: 'student' },
};
const ASSIGNMENTS: Record<string, Array<{ id: string; title: string; due: string }>> = {
  '1': [
    { id: 'a1', title: 'Linear equations', due: '2026-12-01' },
    { id: 'a2', title: 'Quadratics', due: '2026-12-15' },
  ],
  '2': [{ id: 'a3', title: 'Alkanes lab report', due: '2026-12-05' }],
  '3': [],
};
const GRADES: Record<string, Array<{ student: string; assignment: string; score: number }>> = {
  '1': [
    { student: 's1', assignment: 'a1', score: 92 },
    { student: 's1', assignment: 'a2', score: 85 },
  ],
  '2': [{ student: 's1', assignment: 'a3', score: 78 }],
  '3': [],
};

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const type = status >= 400 ? 'application/problem+json' : 'application/json';
  res.writeHead(status, { 'content-type': type, ...headers });
  res.end(JSON.stringify(body));
}

function problem(res: ServerResponse, status: number, title: string, detail: string, headers = {}): void {
  send(res, status, { type: 'about:blank', title, status, detail }, headers);
}

function route(path: string): unknown {
  if (path === '/courses') return COURSES;
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

function handle(stub: StubApi, req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0] as string;
  stub.requests.push(path);
  const auth = req.headers.authorization ?? '';
  const body = route(path);
  if (stub.mode === 'down')
    problem(res, 503, 'Service Unavailable', 'The courses API is down for maintenance.');
  else if (path === '/health') send(res, 200, { status: 'pass' });
  else if (stub.mode === 'rate-limited')
    problem(res, 429, 'Too Many Requests', 'Slow down.', { 'retry-after': '30' });
  else if (!auth.startsWith('Bearer ') || auth === 'Bearer expired') {
    problem(res, 401, 'Unauthorized', 'The API token is missing or expired.');
  } else if (body === undefined) problem(res, 404, 'Not Found', `Nothing at ${path}.`);
  else send(res, 200, body);
}

/**
 * Starts a stub of the course-management API on a free loopback port: `/courses`,
 * `/courses/:id`, `/courses/:id/assignments`, `/courses/:id/grades`, `/users/:id` and
 * `/health`. It wants `Authorization: Bearer <token>` (the token `expired` is refused).
 */
export function startStubApi(mode: StubMode = 'ok'): Promise<StubApi> {
  return new Promise((resolve, reject) => {
    const server = createServer((req, res) => handle(stub, req, res));
    const stub: StubApi = {
      url: '',
      requests: [],
      mode,
      close: () =>
        new Promise<void>((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
    };
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      Object.assign(stub, { url: `http://127.0.0.1:${port}` });
      resolve(stub);
    });
  });
}
