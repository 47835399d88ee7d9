import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseDuration } from '@ballast/core';
import { AuthenticationError, invalidOption, NotFoundError, ValidationError } from '@ballast/errors';
import type { AuditEvent, AuditTrail } from './audit.js';
import type { Catalog } from './catalog.js';
import type { ErrorReports } from './error-reports.js';

/** Who may call `/admin/*` (and `/_chaos` once admins exist): admin name → bearer token. */
export type AdminTokens = Readonly<Record<string, string>>;

/** The admin side of the service: who the admins are, and where their actions are recorded. */
export interface AdminDeps {
  /** Checks a request's bearer token; the admin's name, or why it was refused. */
  authenticate(req: IncomingMessage): { actor: string } | { refused: string };
  audit: AuditTrail;
  reports: ErrorReports;
  catalog: Catalog;
  /** The current time, for silences. */
  now(): number;
}

/** What one request to an admin route carries into the audit record. */
export interface AdminRequest {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  ip: string;
}

const NAME = /^[a-z][a-z0-9._-]{0,31}$/;
const MIN_TOKEN = 16;
const MAX_SILENCE = parseDuration('7d');
const MAX_BODY = 8 * 1024;

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * The admin check: each token is kept only as its SHA-256, and the presented one is compared
 * with every admin's in constant time, so neither a log nor the timing gives a token away.
 *
 * @throws ConfigurationError for an admin name that is not a short lowercase word, or a
 * token shorter than 16 characters.
 */
export function adminAuthenticator(tokens: AdminTokens): AdminDeps['authenticate'] {
  const admins = Object.entries(tokens).map(([name, token]) => {
    if (!NAME.test(name))
      throw invalidOption('admins', name, 'admin names of lowercase letters, digits and . _ -');
    if (typeof token !== 'string' || token.length < MIN_TOKEN) {
      throw invalidOption(`admins.${name}`, '[token]', `a token of at least ${MIN_TOKEN} characters`);
    }
    return { name, digest: sha256(token) };
  });
  if (admins.length === 0) throw invalidOption('admins', tokens, 'at least one admin: { name: token }');
  return (req) => {
    const header = req.headers.authorization;
    if (typeof header !== 'string' || !header.startsWith('Bearer ')) return { refused: 'no bearer token' };
    const presented = sha256(header.slice(7));
    let actor: string | undefined;
    for (const admin of admins) if (timingSafeEqual(admin.digest, presented)) actor = admin.name;
    return actor === undefined ? { refused: 'unknown token' } : { actor };
  };
}

/** Reads a small JSON object body. */
async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > MAX_BODY)
      throw new ValidationError(`The body is over ${MAX_BODY} bytes`, { status: 413 });
  }
  let body: unknown;
  try {
    body = JSON.parse(text || '{}');
  } catch {
    throw new ValidationError('The body is not JSON', {
      suggestions: ['Send a JSON object, e.g. {"match":"UNAVAILABLE","for":"30m","reason":"…"}'],
    });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError('The body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.statusCode = status;
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.setHeader('cache-control', 'no-store');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}

/** The silence a `POST /admin/silences` body asks for. */
function silenceRequest(
  body: Record<string, unknown>,
  now: number,
): { match: string; until: number; reason: string } {
  const { match, reason } = body;
  if (typeof match !== 'string' || !/^[A-Za-z0-9_:.-]{1,128}$/.test(match)) {
    throw new ValidationError(
      'match must be an error code (UNAVAILABLE) or a fingerprint from an error report',
      {
        details: { match },
      },
    );
  }
  if (typeof reason !== 'string' || reason.trim() === '') {
    throw new ValidationError(
      'reason is required: say why these reports may be dropped (an incident, a migration)',
    );
  }
  let until: number;
  if (typeof body.for === 'string' || typeof body.for === 'number') {
    try {
      until = now + parseDuration(body.for);
    } catch {
      throw new ValidationError(`for must be a duration such as "30m", not ${JSON.stringify(body.for)}`);
    }
  } else if (typeof body.until === 'string' && !Number.isNaN(Date.parse(body.until))) {
    until = Date.parse(body.until);
  } else {
    throw new ValidationError('Give "for" (a duration such as "30m") or "until" (an ISO 8601 time)');
  }
  if (until <= now || until - now > MAX_SILENCE) {
    throw new ValidationError('A silence must end in the future and within 7 days', {
      details: { until: new Date(until).toISOString() },
    });
  }
  return { match, until, reason: reason.trim().slice(0, 500) };
}

/** The admin a request authenticates as; a refusal is recorded as `admin.denied` and thrown as a 401. */
function admit(deps: AdminDeps, request: AdminRequest, action: string): string {
  const who = deps.authenticate(request.req);
  if ('actor' in who) return who.actor;
  deps.audit.record({
    action: 'admin.denied',
    actor: 'anonymous',
    outcome: 'denied',
    request_id: request.requestId,
    ip: request.ip,
    target: { attempted: action },
    reason: who.refused,
  });
  throw new AuthenticationError('This needs an admin token: Authorization: Bearer <token>');
}

/**
 * Authenticates a privileged request (a refusal is recorded as `admin.denied`), then runs
 * `act`, which validates the request and records the action before it applies it: an
 * action the audit log cannot record (a full disk) is not done. An admin's request that
 * fails before it is recorded is recorded as `invalid`, with the reason.
 */
export async function privileged(
  deps: AdminDeps,
  request: AdminRequest,
  action: string,
  act: (actor: string, record: (event: Pick<AuditEvent, 'target' | 'reason'>) => void) => Promise<void>,
): Promise<void> {
  const actor = admit(deps, request, action);
  const base = { action, actor, request_id: request.requestId, ip: request.ip };
  let recorded = false;
  try {
    await act(actor, (event) => {
      deps.audit.record({ ...base, outcome: 'ok', ...event });
      recorded = true;
    });
  } catch (error) {
    if (!recorded) {
      deps.audit.record({
        ...base,
        outcome: 'invalid',
        reason: error instanceof Error ? error.message : String(error),
      });
    }
    throw error;
  }
}

/**
 * The admin API, each action recorded in the audit log before it is applied:
 * - `GET /admin/silences`: the active silences of error reports;
 * - `POST /admin/silences` `{ "match", "for" | "until", "reason" }`: silences an error code or
 *   fingerprint (a known incident, a planned migration) → `silence.create`;
 * - `DELETE /admin/silences/:id` → `silence.delete`;
 * - `DELETE /admin/cache/products/:id`: evicts one product from every tier and replica (a
 *   wrong price must go now, not at the end of its TTL) → `cache.purge`;
 * - `DELETE /admin/cache`: empties the catalogue cache → `cache.clear`.
 */
export async function handleAdmin(path: string, request: AdminRequest, deps: AdminDeps): Promise<void> {
  const { req, res } = request;
  const method = req.method ?? 'GET';
  if (path === '/admin/silences' && method === 'GET') {
    // A read changes nothing: it is authenticated, but only a refusal is recorded.
    admit(deps, request, 'silence.list');
    send(res, 200, deps.reports.silences());
    return;
  }
  if (path === '/admin/silences' && method === 'POST') {
    return privileged(deps, request, 'silence.create', async (actor, record) => {
      const wanted = silenceRequest(await jsonBody(req), deps.now());
      record({
        target: { match: wanted.match, until: new Date(wanted.until).toISOString() },
        reason: wanted.reason,
      });
      send(res, 201, deps.reports.silence(wanted.match, wanted.until, wanted.reason, actor));
    });
  }
  const silence = /^\/admin\/silences\/(s\d+)$/.exec(path);
  if (silence && method === 'DELETE') {
    return privileged(deps, request, 'silence.delete', async (_actor, record) => {
      const id = silence[1] as string;
      if (!deps.reports.silences().some((s) => s.id === id))
        throw new NotFoundError(`No active silence ${id}`);
      record({ target: { id } });
      deps.reports.unsilence(id);
      send(res, 204);
    });
  }
  const product = /^\/admin\/cache\/products\/([^/]+)$/.exec(path);
  if (product && method === 'DELETE') {
    return privileged(deps, request, 'cache.purge', async (_actor, record) => {
      const id = product[1] as string;
      if (!/^[1-9]\d{0,8}$/.test(id))
        throw new ValidationError(`Product id must be a positive integer, not "${id}"`);
      record({ target: { namespace: 'product', key: id } });
      await deps.catalog.purge(Number(id));
      send(res, 204);
    });
  }
  if (path === '/admin/cache' && method === 'DELETE') {
    return privileged(deps, request, 'cache.clear', async (_actor, record) => {
      record({ target: { cache: 'catalog' } });
      await deps.catalog.cache.clear();
      send(res, 204);
    });
  }
  throw new NotFoundError(`No admin route ${method} ${path}`);
}
