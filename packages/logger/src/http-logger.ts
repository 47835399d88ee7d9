import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoggerLike } from '@ballast/core';
import { invalidOption, rejectUnknownKeys } from '@ballast/errors';
import { createRedactor, type Redactor } from '@ballast/redact';
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
   * If it throws or returns anything but 1 to 256 printable ASCII characters, the request
   * gets a random UUID and the fault is logged once at error.
   * @defaultValue `crypto.randomUUID`
   */
  genReqId?: (req: IncomingMessage) => string;
  /**
   * Requests for which no line is written (health probes). If it throws, the request is
   * logged and the fault is logged once at error.
   */
  ignore?: (req: IncomingMessage) => boolean;
}

/** A `(req, res, next?)` middleware for node:http, Express and Connect. */
export type HttpMiddleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: (error?: unknown) => void,
) => void;

/** node:crypto, loaded on first use: importing it costs more than this whole module. */
let crypto: typeof import('node:crypto') | undefined;
const nodeCrypto = () => (crypto ??= process.getBuiltinModule('node:crypto'));

/** Secret names found anywhere in a parameter name, in any case. */
const SECRET_PARAM =
  /password|passwd|passphrase|secret|token|api[-_]?key|auth|signature|session|code|credential|jwt|saml|assertion|credit[-_]?card|card[-_]?number/i;
/**
 * Short secret names, matched as a word of the name only (`key`, `apiKey`, `new_pwd`, `userPIN`;
 * not `monkey`, `bypass`, `shipping`). `nonce` and `state` are not among them: they are
 * one-time values sent in the clear, and worth seeing when an OAuth flow fails.
 */
const SECRET_WORD =
  /(?:^|[^a-z0-9])(?:key|sig|pw|pwd|pass|pin|otp|totp|hotp|refresh|ssn|cvv|cvc)(?![a-z0-9])/;
const ID = /^[\w.:@/+=-]{1,128}$/;
/** What a host's `genReqId` may return: printable ASCII a response header can carry. */
const GENERATED_ID = /^[\x21-\x7e][\x20-\x7e]{0,255}$/;
const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/;
/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HTTP_LOGGER_KEYS = ['logger', 'header', 'field', 'genReqId', 'ignore'] as const satisfies ReadonlyArray<
  keyof HttpLoggerOptions
>;

let scanner: Redactor | undefined;

/** The default patterns of `@ballast/redact`, compiled on first use. */
function scan(text: string): string {
  scanner ??= createRedactor({ keys: false });
  return scanner(text) as string;
}

function decoded(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/** Whether a query parameter name says its value is a secret (`token`, `api_key`, `sig`…). */
function isSecretParam(name: string): boolean {
  if (SECRET_PARAM.test(name)) return true;
  return SECRET_WORD.test(name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase());
}

/** Whether a query value holds a secret a default pattern finds, as sent or percent-decoded. */
function holdsSecret(value: string): boolean {
  if (scan(value) !== value) return true;
  const plain = value.includes('%') || value.includes('+') ? decoded(value) : undefined;
  return plain !== undefined && plain !== value && scan(plain) !== plain;
}

/**
 * The path of a request URL with the values of secret query parameters replaced by
 * `[REDACTED]`: those whose name contains `password`, `passwd`, `passphrase`, `secret`,
 * `token`, `api_key`/`apikey`, `auth`, `signature`, `session`, `code`, `credential`, `jwt`,
 * `saml`, `assertion`, `credit_card` or `card_number`, or has `key`, `sig`, `pw`, `pwd`,
 * `pass`, `pin`, `otp`, `totp`, `hotp`, `refresh`, `ssn`, `cvv` or `cvc` as a word (`apiKey`,
 * `x-key`, `new_pwd`, `userPIN`; not `monkey` or `bypass`); and any value in which a default
 * pattern of `@ballast/redact` finds a secret once percent-decoded (`?q=Bearer%20…`,
 * `?next=…%3Apw%40…`).
 */
export function safePath(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const params = url.slice(q + 1).split('&');
  const kept = params.map((pair) => {
    const eq = pair.indexOf('=');
    if (eq === -1) return pair;
    const key = pair.slice(0, eq);
    const name = decoded(key) ?? key;
    return isSecretParam(name) || holdsSecret(pair.slice(eq + 1)) ? `${key}=[REDACTED]` : pair;
  });
  return `${url.slice(0, q)}?${kept.join('&')}`;
}

/**
 * The request id a request brings: the `header` value (`x-request-id` by default) when it is
 * 1 to 128 of `A-Z a-z 0-9 _ . : @ / + = -`, else the trace id of a valid `traceparent`, else
 * `undefined`. What {@link httpLogger} uses before generating one; framework adapters use it
 * for their own request ids (Fastify's `genReqId`).
 */
export function incomingRequestId(
  headers: IncomingMessage['headers'],
  header = 'x-request-id',
): string | undefined {
  const given = headers[header.toLowerCase()];
  const value = Array.isArray(given) ? given[0] : given;
  if (value !== undefined && ID.test(value)) return value;
  const parent = headers.traceparent;
  const match = typeof parent === 'string' ? TRACEPARENT.exec(parent) : null;
  if (match && !/^0+$/.test(match[1] as string)) return match[1] as string;
  return undefined;
}

function requestId(req: IncomingMessage, header: string, gen: (req: IncomingMessage) => string): string {
  return incomingRequestId(req.headers, header) ?? gen(req);
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
 * @throws ConfigurationError without a logger, for an option of the wrong type (a `header`
 * that is not a header name, an `ignore` or `genReqId` that is not a function) or an
 * unknown option.
 */
export function httpLogger(options: HttpLoggerOptions): HttpMiddleware {
  if (typeof options !== 'object' || options === null) {
    throw invalidOption('httpLogger', options, `an options object: { ${HTTP_LOGGER_KEYS.join(', ')} }`);
  }
  rejectUnknownKeys('httpLogger', options, HTTP_LOGGER_KEYS);
  const {
    logger,
    header = 'x-request-id',
    field = 'req_id',
    genReqId = () => nodeCrypto().randomUUID(),
    ignore,
  } = options;
  if (typeof logger !== 'object' || logger === null || typeof logger.info !== 'function') {
    throw invalidOption('httpLogger.logger', logger, 'a logger (createLogger() or any LoggerLike)');
  }
  if (typeof header !== 'string' || !HEADER_NAME.test(header)) {
    throw invalidOption(
      'httpLogger.header',
      header,
      "a header name such as 'x-request-id' (letters, digits and !#$%&'*+-.^_`|~, no spaces)",
    );
  }
  if (typeof field !== 'string' || field === '') {
    throw invalidOption('httpLogger.field', field, "a non-empty field name such as 'req_id'");
  }
  if (typeof genReqId !== 'function') {
    throw invalidOption(
      'httpLogger.genReqId',
      genReqId,
      'a function (req) => string that makes a request id',
    );
  }
  if (ignore !== undefined && typeof ignore !== 'function') {
    throw invalidOption(
      'httpLogger.ignore',
      ignore,
      "a function (req) => boolean, true for requests not to log (e.g. (req) => req.url === '/health')",
    );
  }
  const name = header.toLowerCase();
  // A host function that throws, or returns an id no header can carry, must not take the
  // request down with it: the request goes on with a random id (or is logged), and the
  // fault is reported once per middleware, not once per request.
  const reported = new Set<string>();
  const hostFault = (option: string, problem: string, error?: unknown): void => {
    const message = `httpLogger.${option} ${problem}; reported once, handled the same way from now on`;
    if (reported.has(message)) return;
    reported.add(message);
    const fields = error === undefined ? {} : { err: error };
    logger.error(fields, message);
  };
  const generate = (req: IncomingMessage): string => {
    try {
      const made = genReqId(req);
      if (typeof made === 'string' && GENERATED_ID.test(made)) return made;
      hostFault(
        'genReqId',
        'returned no usable request id (a string of 1 to 256 printable ASCII characters); used a random UUID instead',
      );
    } catch (error) {
      hostFault('genReqId', 'threw; used a random UUID instead', error);
    }
    return nodeCrypto().randomUUID();
  };
  const ignored = (req: IncomingMessage): boolean => {
    if (ignore === undefined) return false;
    try {
      return ignore(req) === true;
    } catch (error) {
      hostFault('ignore', 'threw; the request was logged', error);
      return false;
    }
  };
  return (req, res, next) => {
    const start = performance.now();
    const id = requestId(req, name, generate);
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
    const skip = ignored(req);
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
