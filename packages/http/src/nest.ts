import type { IncomingMessage } from 'node:http';
import type { LoggerLike } from '@ballast/core';
import { NotFoundError } from '@ballast/errors';
import { type Health, type HealthHandlerOptions, healthHandler } from '@ballast/health';
import { httpLogger, type Logger } from '@ballast/logger';
import {
  type ArgumentsHost,
  Catch,
  Controller,
  type DynamicModule,
  type ExceptionFilter,
  Get,
  type LoggerService,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  Req,
  Res,
} from '@nestjs/common';
import { APP_FILTER, HttpAdapterHost } from '@nestjs/core';
import { checkObject, checkOptional } from './internal/check.js';
import { echoedRequestId, healthReply, isHealthRequest } from './internal/health-reply.js';
import { problemResponse } from './problem-response.js';

// Decorators are applied as plain calls, not `@` syntax: this file builds with esbuild
// (no decorator metadata), and every dependency is passed explicitly, so nothing here relies
// on `emitDecoratorMetadata`.

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** A stack trace as Nest passes it (`error(message, stack, context)`). */
const STACK = /^.*\n\s+at .+/s;

/**
 * A NestJS `LoggerService` writing through a Ballast logger: `log` → info, `verbose` → trace,
 * `debug`, `warn`, `error`, `fatal`. Nest's trailing context string becomes a `context`
 * field, a stack passed to `error` a `stack` field, an Error its `err`, an object message
 * its fields.
 *
 * @example
 * const app = await NestFactory.create(AppModule, { logger: nestLogger(logger) });
 */
export function nestLogger(logger: LoggerLike): LoggerService {
  checkOptional('nestLogger.logger', logger, 'object', 'a logger (createLogger() or any LoggerLike)', true);
  const write = (level: Level, message: unknown, params: unknown[]): void => {
    const fields: Record<string, unknown> = {};
    let rest = params;
    const last = rest.at(-1);
    if (rest.length > 0 && typeof last === 'string') {
      fields.context = last;
      rest = rest.slice(0, -1);
    }
    if (level === 'error' && typeof rest[0] === 'string' && STACK.test(rest[0])) {
      fields.stack = rest[0];
      rest = rest.slice(1);
    }
    if (rest.length > 0) fields.params = rest;
    if (message instanceof Error) {
      logger[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      logger[level]({ ...fields, ...(message as object) });
    } else {
      logger[level](fields, String(message));
    }
  };
  return {
    log: (message, ...params) => write('info', message, params),
    error: (message, ...params) => write('error', message, params),
    warn: (message, ...params) => write('warn', message, params),
    debug: (message, ...params) => write('debug', message, params),
    verbose: (message, ...params) => write('trace', message, params),
    fatal: (message, ...params) => write('fatal', message, params),
  };
}

/** The part of a platform response the filter reads. */
interface ResponseLike {
  getHeader?(name: string): unknown;
}

/** Answers every exception as RFC 9457 problem+json through the platform's own reply. */
class ProblemFilter implements ExceptionFilter {
  constructor(
    readonly adapterHost: HttpAdapterHost,
    readonly logger: LoggerLike,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<ResponseLike>();
    const adapter = this.adapterHost.httpAdapter;
    const problem = problemResponse(exception, { requestId: echoedRequestId(res), logger: this.logger });
    for (const [name, value] of Object.entries(problem.headers)) adapter.setHeader(res, name, value);
    adapter.reply(res, JSON.stringify(problem.body), problem.status);
  }
}
Catch()(ProblemFilter);

/** The part of a platform request the health controller reads (Express's is the Node request; Fastify's has `raw`). */
interface RequestLike {
  raw?: IncomingMessage;
}

function healthController(
  health: Health,
  options: HealthHandlerOptions | undefined,
  adapterHost: () => HttpAdapterHost,
) {
  const probes = healthHandler(health, options);
  const basePath = (options?.basePath ?? '/health').replace(/^\/+|\/+$/g, '');
  class HealthController {
    async serve(req: RequestLike & IncomingMessage, res: object): Promise<string> {
      const answer = await healthReply(probes, req.raw ?? req);
      if (answer === undefined) throw new NotFoundError(`No route for ${req.method} ${req.url}`);
      const adapter = adapterHost().httpAdapter;
      adapter.status(res, answer.status);
      for (const [name, value] of Object.entries(answer.headers))
        if (name !== 'content-length') adapter.setHeader(res, name, String(value));
      return answer.body ?? '';
    }
  }
  const proto = HealthController.prototype;
  const descriptor = Object.getOwnPropertyDescriptor(proto, 'serve') as PropertyDescriptor;
  Get(['', 'live', 'ready', 'startup', 'checks/:name'])(proto, 'serve', descriptor);
  Req()(proto, 'serve', 0);
  Res({ passthrough: true })(proto, 'serve', 1);
  Controller(basePath)(HealthController);
  return HealthController;
}

/** Options of {@link BallastModule.forRoot}. */
export interface BallastModuleOptions {
  /** The logger request lines and 5xx errors go to. */
  logger: Logger;
  /** Serves the health endpoints (`/health`, `/live`, `/ready`, `/startup`, `/checks/:name`). @defaultValue none */
  health?: Health;
  /** Options of `healthHandler` (`basePath`, `showDetails`). @defaultValue `{}` */
  healthOptions?: HealthHandlerOptions;
  /**
   * Log one line per request with `httpLogger` (request id from `x-request-id`/`traceparent`,
   * echoed, on every line), as Nest middleware: on the Express and the Fastify platform alike.
   * @defaultValue `true`
   */
  requestLogging?: boolean;
}

/**
 * The NestJS module: request logging (either platform), a global exception filter that
 * answers RFC 9457 problem+json with the request id as `instance` (5xx logged, never sent),
 * and a health controller. Pair it with `nestLogger(logger)` for Nest's own lines, and
 * `app.enableShutdownHooks()` plus `health.beginShutdown()` for graceful shutdown.
 *
 * @example
 * \@Module({ imports: [BallastModule.forRoot({ logger, health })] })
 * class AppModule {}
 */
// biome-ignore lint/complexity/noStaticOnlyClass: Nest modules are classes configured by a static forRoot
export class BallastModule {
  /** The module for `imports`, configured once for the app. @throws ConfigurationError for bad options. */
  static forRoot(options: BallastModuleOptions): DynamicModule {
    checkObject('BallastModule.forRoot', options, ['logger', 'health', 'healthOptions', 'requestLogging']);
    const { logger, health, requestLogging = true } = options;
    checkOptional('BallastModule.forRoot.logger', logger, 'object', 'a logger from createLogger()', true);
    checkOptional('BallastModule.forRoot.health', health, 'object', 'a registry from createHealth()');
    const basePath = options.healthOptions?.basePath ?? '/health';
    const middleware = requestLogging
      ? httpLogger({ logger, ignore: (req) => isHealthRequest(req, basePath) })
      : undefined;
    let host: HttpAdapterHost | undefined;
    const adapterHost = (): HttpAdapterHost => host as HttpAdapterHost;
    class BallastRootModule extends BallastModule implements NestModule {
      configure(consumer: MiddlewareConsumer): void {
        if (middleware !== undefined) consumer.apply(middleware).forRoutes('*');
      }
    }
    Module({})(BallastRootModule);
    return {
      module: BallastRootModule,
      controllers: health === undefined ? [] : [healthController(health, options.healthOptions, adapterHost)],
      providers: [
        {
          provide: APP_FILTER,
          useFactory: (adapter: HttpAdapterHost) => {
            host = adapter;
            return new ProblemFilter(adapter, logger);
          },
          inject: [HttpAdapterHost],
        },
      ],
    };
  }
}
Module({})(BallastModule);
