import type { IncomingMessage, ServerResponse } from 'node:http';
import { invalidOption } from '@ballast/errors';
import type { Health } from './health.js';
import { checkMethods, checkOptions, keysOf } from './internal/options.js';
import type { CheckKind, HealthReport } from './types.js';

/** Who may see check details (outputs, observed values, suggestions). */
export type ShowDetails = 'always' | 'never' | ((req: IncomingMessage) => boolean);

/** Options for {@link healthHandler}. */
export interface HealthHandlerOptions {
  /** Where the endpoints live. @defaultValue `'/health'` */
  basePath?: string;
  /**
   * Whether responses include each check's details; hidden details leave the status
   * (and service version) only. Details are always redacted. A function that throws
   * hides them for that request.
   * @defaultValue `'never'`
   */
  showDetails?: ShowDetails;
}

/** A node:http (and Express/Connect) request handler; `next` is called for paths it does not serve. */
export type HealthRequestHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: (error?: unknown) => void,
) => void;

const MEDIA_TYPE = 'application/health+json';
const HANDLER_KEYS = keysOf<HealthHandlerOptions>({ basePath: true, showDetails: true });
const PROBES: Readonly<Record<string, CheckKind | undefined>> = {
  '': undefined,
  '/live': 'liveness',
  '/ready': 'readiness',
  '/startup': 'startup',
};

/**
 * Serves a health registry over HTTP: `GET|HEAD {basePath}` (every check),
 * `/live`, `/ready`, `/startup` and `/checks/:name`, as `application/health+json`
 * with `Cache-Control: no-store`, 200 for pass and warn, 503 for fail, 404 for an
 * unknown check and 405 for other methods.
 *
 * @example
 * http.createServer(healthHandler(health, { showDetails: 'always' })).listen(9000);
 * app.use(healthHandler(health)); // Express: other paths fall through to next()
 *
 * @throws ConfigurationError for a missing health registry, an unknown option (a typo such as `showDetail`), a basePath
 * that does not start with `/` or a bad showDetails.
 */
export function healthHandler(health: Health, options: HealthHandlerOptions = {}): HealthRequestHandler {
  checkMethods(
    'healthHandler health',
    health,
    ['check', 'checkOne'],
    'a registry from createHealth(), as in healthHandler(createHealth({ checks }))',
  );
  checkOptions('healthHandler', options, HANDLER_KEYS);
  const basePath = (options.basePath ?? '/health').replace(/\/+$/, '');
  if (!/^(\/[^/?#\s]+)*$/.test(basePath)) {
    throw invalidOption(
      'basePath',
      options.basePath,
      "a path starting with '/', like '/health' or '/_internal/health'",
    );
  }
  const showDetails = options.showDetails ?? 'never';
  if (showDetails !== 'always' && showDetails !== 'never' && typeof showDetails !== 'function') {
    throw invalidOption('showDetails', showDetails, "'always', 'never' or a function (req) => boolean");
  }
  const checksPrefix = `${basePath}/checks/`;
  const lastReport: [HealthReport | undefined, HealthReport | undefined] = [undefined, undefined];
  const lastBody: [string | undefined, string | undefined] = [undefined, undefined];

  return (req, res, next) => {
    const url = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    if (!path.startsWith(basePath)) {
      notMine(res, next);
      return;
    }
    const rest = path.slice(basePath.length);
    const probe = PROBES[rest.endsWith('/') ? rest.slice(0, -1) : rest];
    let name: string | undefined;
    if (probe === undefined && !(rest === '' || rest === '/')) {
      if (!path.startsWith(checksPrefix) || path.length === checksPrefix.length) {
        notMine(res, next);
        return;
      }
      name = safeDecode(path.slice(checksPrefix.length));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'cache-control': 'no-store', 'content-length': 0 });
      res.end();
      return;
    }
    const detailed = showDetails === 'always' || (showDetails !== 'never' && allowed(showDetails, req));
    const pending = name === undefined ? health.check(probe) : health.checkOne(name);
    pending.then(
      (report) => {
        if (report === undefined) {
          notFound(req, res);
          return;
        }
        // Reports are reused while results are unchanged, so is their serialisation.
        const slot = detailed ? 1 : 0;
        if (lastReport[slot] !== report) {
          const body = serialized(detailed ? report : summary(report));
          if (body === undefined) {
            // A host redactor returned what JSON cannot hold (a cycle, a BigInt): the
            // details are dropped, the status still answers, and nothing is thrown.
            send(req, res, report.status === 'fail' ? 503 : 200, MEDIA_TYPE, {
              ...summary(report),
              output: 'The health report details could not be serialized.',
            });
            return;
          }
          lastReport[slot] = report;
          lastBody[slot] = body;
        }
        sendText(req, res, report.status === 'fail' ? 503 : 200, MEDIA_TYPE, lastBody[slot]!);
      },
      () => {
        // check() only rejects when aborted or when a host-supplied function throws; what it
        // threw is the host's to log, not a probe client's to read.
        send(req, res, 503, MEDIA_TYPE, { status: 'fail', output: 'The health check could not run.' });
      },
    );
  };
}

/** A `showDetails` function's answer; one that throws hides the details, it does not crash the probe. */
function allowed(showDetails: (req: IncomingMessage) => boolean, req: IncomingMessage): boolean {
  try {
    return showDetails(req) === true;
  } catch {
    return false;
  }
}

function notMine(res: ServerResponse, next: ((error?: unknown) => void) | undefined): void {
  if (next !== undefined) {
    next();
    return;
  }
  res.writeHead(404, { 'cache-control': 'no-store', 'content-length': 0 });
  res.end();
}

/**
 * The 404 for an unknown check. The requested name is never echoed: a probe URL can carry
 * anything a client typed (a token pasted in the wrong place), and this body is public.
 */
function notFound(req: IncomingMessage, res: ServerResponse): void {
  send(req, res, 404, 'application/problem+json', NOT_FOUND);
}

const NOT_FOUND = {
  type: 'about:blank',
  title: 'Not Found',
  status: 404,
  detail: 'There is no health check with the requested name.',
} as const;

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** `value` as JSON, or `undefined` when it cannot be (a cycle, a BigInt, a throwing toJSON). */
function serialized(value: object): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

/** The report without check details: what an anonymous caller may see. */
function summary(report: HealthReport): Omit<HealthReport, 'checks'> {
  const out: Omit<HealthReport, 'checks'> = { status: report.status };
  if (report.version !== undefined) out.version = report.version;
  if (report.releaseId !== undefined) out.releaseId = report.releaseId;
  if (report.serviceId !== undefined) out.serviceId = report.serviceId;
  return out;
}

function send(req: IncomingMessage, res: ServerResponse, status: number, type: string, body: object): void {
  sendText(req, res, status, type, JSON.stringify(body));
}

function sendText(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  type: string,
  text: string,
): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
  });
  res.end(req.method === 'HEAD' ? undefined : text);
}
