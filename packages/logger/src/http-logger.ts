import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoggerLike } from '@ballast/core';
import { invalidOption } from '@ballast/errors';
import { contextHolds, withLogContext } from './context.js';

/** Options for {@link httpLogger}. */
export interface HttpLoggerOptions {
  /** The logger response lines go to. */
  logger: LoggerLike;
  /**
   * The request header read for an incoming id and the response header it is echoed in.
   * @defaultValue `'x-request-id'`
   */
  header?: string;
  /**
   * The field name of the request id in the log context.
   * @defaultValue `'req_id'`
   */
  field?: string;
  /**
   * Makes a request id when the request brings none (neither the header nor a `traceparent`).
   * @defaultValue `crypto.randomUUID`
   */
  genReqId?: (req: IncomingMessage) => string;
  /** Requests for which no line is written (health probes). */
  ignore?: (req: IncomingMessage) => boolean;
}

/** A `(req, res, next?)` middleware for node:http, Express and Connect. */
export type HttpMiddleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: (error?: unknown) => void,
) => void;

const SECRET_PARAM =
  /^(?:.*(?:password|passwd|secret|token|api[-_]?key|auth|signature|session|code|credential).*)$/i;
const ID = /^[\w.:@/+=-]{1,128}$/;
const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/;

/**
 * The path of a request URL with the values of secret-looking query parameters
 * (`token`, `password`, `api_key`, `signature`, `code`…) replaced by `[REDACTED]`.
 */
export function safePath(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const params = url.slice(q + 1).split('&');
  const kept = params.map((pair) => {
    const eq = pair.indexOf('=');
    const key = eq === -1 ? pair : pair.slice(0, eq);
    let name = key;
    try {
      name = decodeURIComponent(key);
    } catch {
      // keep the raw key
    }
    return eq !== -1 && SECRET_PARAM.test(name) ? `${key}=[REDACTED]` : pair;
  });
  return `${url.slice(0, q)}?${kept.join('&')}`;
}

function requestId(req: IncomingMessage, header: string, gen: (req: IncomingMessage) => string): string {
  const given = req.headers[header];
  const value = Array.isArray(given) ? given[0] : given;
  if (value !== undefined && ID.test(value)) return value;
  const parent = req.headers.traceparent;
  const match = typeof parent === 'string' ? TRACEPARENT.exec(parent) : null;
  if (match && !/^0+$/.test(match[1] as string)) return match[1] as string;
  return gen(req);
}

/**
 * Logs one line per response, with `req` (method, path without query secrets,
 * user agent), `res` (status, bytes) and `duration_ms`, at info below 400, warn
 * for 4xx and error for 5xx; a request whose connection closes before the
 * response finished is logged as `request aborted` at warn. The request id
 * (from `x-request-id`, else the trace id of `traceparent`, else generated) is
 * echoed as a response header, and the handler runs inside
 * `withLogContext({ req_id })`, so every line it logs carries the id.
 *
 * @example
 * const log = httpLogger({ logger });
 * http.createServer((req, res) => log(req, res, () => handler(req, res)));
 * app.use(httpLogger({ logger })); // Express / Connect
 *
 * @throws ConfigurationError without a logger.
 */
export function httpLogger(options: HttpLoggerOptions): HttpMiddleware {
  const {
    logger,
    header = 'x-request-id',
    field = 'req_id',
    genReqId = () => randomUUID(),
    ignore,
  } = options ?? {};
  if (typeof logger !== 'object' || logger === null || typeof logger.info !== 'function') {
    throw invalidOption('httpLogger.logger', logger, 'a logger (createLogger() or any LoggerLike)');
  }
  const name = header.toLowerCase();
  return (req, res, next) => {
    const start = performance.now();
    const id = requestId(req, name, genReqId);
    res.setHeader(name, id);
    let bytes = 0;
    const write = res.write;
    const end = res.end;
    res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
      if (chunk !== undefined && chunk !== null && typeof chunk !== 'function')
        bytes += Buffer.byteLength(chunk as string);
      return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    } as ServerResponse['write'];
    res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
      if (chunk !== undefined && chunk !== null && typeof chunk !== 'function')
        bytes += Buffer.byteLength(chunk as string);
      return (end as (...args: unknown[]) => ServerResponse).call(this, chunk, ...rest);
    } as ServerResponse['end'];
    const skip = ignore?.(req) === true;
    const fields = (): Record<string, unknown> => {
      const line: Record<string, unknown> = {
        req: { method: req.method, path: safePath(req.url ?? '/'), user_agent: req.headers['user-agent'] },
        res: { status: res.statusCode, bytes },
        duration_ms: Math.round((performance.now() - start) * 1000) / 1000,
      };
      // 'finish' usually fires inside the request's log context, which already carries the
      // id: writing it again would put the same key twice on one JSON line.
      return contextHolds(field, id) ? line : { [field]: id, ...line };
    };
    res.once('finish', () => {
      if (skip) return;
      const status = res.statusCode;
      const line = fields();
      if (status >= 500) logger.error(line, 'request failed');
      else if (status >= 400) logger.warn(line, 'request rejected');
      else logger.info(line, 'request completed');
    });
    res.once('close', () => {
      if (!skip && !res.writableFinished) logger.warn(fields(), 'request aborted');
    });
    withLogContext({ [field]: id }, () => next?.());
  };
}
