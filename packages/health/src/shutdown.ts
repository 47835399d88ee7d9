import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server, Socket } from 'node:net';
import { constants } from 'node:os';
import { type Clock, type Duration, type LoggerLike, noopLogger, systemClock } from '@ballast/core';
import { durationOption, invalidOption } from '@ballast/errors';
import { type Span, SpanStatusCode } from '@opentelemetry/api';
import { checkMethods, checkOptions, isPlainObject, keysOf } from './internal/options.js';
import { positiveDuration } from './internal/resolve-check.js';
import { shutdownPhase } from './telemetry.js';

/** A cleanup step run on shutdown: close a cache, flush logs, disconnect a pool. */
export interface ShutdownHook {
  /** Shown in logs. @defaultValue `'hook #n'` */
  name?: string;
  /** Does the cleanup; `signal` aborts when the hook's timeout passes. */
  run(signal: AbortSignal): unknown;
  /** How long this hook may take. @defaultValue the `hookTimeout` option */
  timeout?: Duration;
}

/** A hook as a function or as a {@link ShutdownHook}. */
export type ShutdownHookInput = ShutdownHook | ((signal: AbortSignal) => unknown);

/** Where signals come from; `process` by default, injectable for tests. */
export interface SignalSource {
  on(event: string, listener: (signal: string) => void): unknown;
  removeListener(event: string, listener: (signal: string) => void): unknown;
}

/** A server to drain: a node `Server` (http, https, net) or an object exposing one as `server` (Fastify). */
export type DrainableServer = Server | { readonly server: Server };

/** Options for {@link gracefulShutdown}. */
export interface GracefulShutdownOptions {
  /** The signals that start a shutdown. @defaultValue `['SIGTERM', 'SIGINT']` */
  signals?: readonly string[];
  /**
   * How long to keep serving (with readiness failing) before the server stops accepting,
   * so load balancers and Kubernetes endpoints stop sending traffic first.
   * @defaultValue `0`
   */
  preStopDelay?: Duration;
  /** How long in-flight requests may take to finish before connections are forced closed. @defaultValue `'10s'` */
  drainTimeout?: Duration;
  /** The default timeout of each hook. @defaultValue `'5s'` */
  hookTimeout?: Duration;
  /** Hooks, run after the drain in reverse order of registration. @defaultValue `[]` */
  onShutdown?: ShutdownHookInput | readonly ShutdownHookInput[];
  /** A health registry (or anything with `beginShutdown`) whose readiness fails at the first signal. */
  health?: { beginShutdown(): void };
  /** @defaultValue `noopLogger` */
  logger?: LoggerLike;
  /** @defaultValue `systemClock` */
  clock?: Clock;
  /** Ends the process. @defaultValue `process.exit` */
  exit?: (code: number) => void;
  /** Where signals are listened for. @defaultValue `process` */
  signalSource?: SignalSource;
}

/** The controller {@link gracefulShutdown} returns. */
export interface GracefulShutdown {
  /** Adds a hook (run before the ones added earlier); returns a function that removes it. */
  onShutdown(hook: ShutdownHookInput): () => void;
  /** Starts the shutdown as a signal would; resolves the exit code once `exit` has been called. */
  shutdown(reason?: string): Promise<number>;
  /** Whether a shutdown has started. */
  readonly shuttingDown: boolean;
  /** Stops listening for signals (the shutdown sequence itself is not undone). */
  dispose(): void;
}

const SHUTDOWN_KEYS = keysOf<GracefulShutdownOptions>({
  signals: true,
  preStopDelay: true,
  drainTimeout: true,
  hookTimeout: true,
  onShutdown: true,
  health: true,
  logger: true,
  clock: true,
  exit: true,
  signalSource: true,
});
const HOOK_KEYS = keysOf<ShutdownHook>({ name: true, run: true, timeout: true });

interface Hook {
  name: string;
  run: (signal: AbortSignal) => unknown;
  timeoutMs: number;
}

/**
 * Shuts a server down without dropping requests. On the first signal readiness fails at
 * once; after `preStopDelay` the server stops accepting, idle keep-alive connections close
 * and in-flight requests get `drainTimeout` to finish (then connections are forced closed);
 * hooks run in reverse order of registration, each under its own timeout; finally the
 * process exits 0, or 1 if anything failed or was forced. A second signal exits 1 at once.
 *
 * @example
 * gracefulShutdown(server, { health, preStopDelay: '5s', onShutdown: [() => cache.close(), () => logger.flush()] });
 *
 * @throws ConfigurationError for an unknown option (a typo such as `preStopDelai`, here or on a
 * hook written as an object literal), bad durations, hooks, a signal this platform does not know (checked against
 * `os.constants.signals`) or cannot catch (`SIGKILL`, `SIGSTOP`), or a `health`, `logger`,
 * `clock`, `exit` or `signalSource` without the methods it needs.
 */
export function gracefulShutdown(
  target: DrainableServer,
  options: GracefulShutdownOptions = {},
): GracefulShutdown {
  checkOptions('gracefulShutdown', options, SHUTDOWN_KEYS);
  const server: Server =
    typeof target === 'object' && target !== null && 'server' in target && typeof target.server === 'object'
      ? target.server
      : (target as Server);
  if (typeof server?.close !== 'function')
    throw invalidOption('server', target, 'a node Server or { server }');
  const signals = checkSignals(options.signals ?? ['SIGTERM', 'SIGINT']);
  const preStopMs = durationOption('preStopDelay', options.preStopDelay ?? 0);
  const drainMs = positiveDuration('drainTimeout', options.drainTimeout ?? '10s');
  const hookMs = positiveDuration('hookTimeout', options.hookTimeout ?? '5s');
  if (options.health !== undefined) {
    checkMethods(
      'health',
      options.health,
      ['beginShutdown'],
      'a registry from createHealth() (or anything with beginShutdown())',
    );
  }
  const logger = options.logger ?? noopLogger;
  checkMethods(
    'logger',
    logger,
    ['info', 'warn', 'error'],
    'a logger with info, warn and error, such as createLogger() or pino',
  );
  const clock = options.clock ?? systemClock;
  checkMethods(
    'clock',
    clock,
    ['setTimeout', 'clearTimeout', 'sleep'],
    'a Clock, such as systemClock or a ManualClock from @ballast/core',
  );
  const exit = options.exit ?? ((code: number) => process.exit(code));
  if (typeof exit !== 'function')
    throw invalidOption('exit', exit, 'a function (code) => void, like process.exit');
  const source: SignalSource = options.signalSource ?? process;
  checkMethods(
    'signalSource',
    source,
    ['on', 'removeListener'],
    'an event source with on and removeListener, like process',
  );
  const http = server as Server & { closeIdleConnections?: () => void; closeAllConnections?: () => void };

  const hooks: Hook[] = [];
  let hookCount = 0;
  const addHook = (input: ShutdownHookInput): (() => void) => {
    const hook = toHook(input, ++hookCount, hookMs);
    hooks.push(hook);
    return () => {
      const index = hooks.indexOf(hook);
      if (index >= 0) hooks.splice(index, 1);
    };
  };
  const initial = options.onShutdown ?? [];
  for (const hook of Array.isArray(initial) ? initial : [initial]) addHook(hook as ShutdownHookInput);

  // Plain net servers have no closeAllConnections, so their sockets are tracked to force them.
  const sockets = new Set<Socket>();
  if (typeof http.closeAllConnections !== 'function') {
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
  }

  // In-flight responses, so the drain can tell their clients not to reuse the connection
  // and close each keep-alive socket as soon as its response is done.
  const active = new Set<ServerResponse>();
  const closeIdle = (): void => http.closeIdleConnections?.();
  let draining = false;
  server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (draining) {
      res.setHeader('connection', 'close');
      res.once('close', closeIdle);
      return;
    }
    active.add(res);
    res.once('close', () => active.delete(res));
  });
  const startDrain = (): void => {
    draining = true;
    for (const res of active) {
      if (!res.headersSent) res.setHeader('connection', 'close');
      res.once('close', closeIdle);
    }
    active.clear();
  };

  let running: Promise<number> | undefined;
  const run = async (reason: string): Promise<number> => {
    logger.info({ reason, preStopDelay: preStopMs, drainTimeout: drainMs }, 'shutdown started');
    options.health?.beginShutdown();
    if (preStopMs > 0) await shutdownPhase('pre_stop', {}, () => clock.sleep(preStopMs));
    const failed = await shutdownPhase('drain', {}, (span) => drain(span));
    let hooksFailed = false;
    for (const hook of [...hooks].reverse()) {
      const attributes = { 'ballast.health.shutdown.hook': hook.name };
      if (!(await shutdownPhase('hook', attributes, (span) => runHook(hook, clock, logger, span))))
        hooksFailed = true;
    }
    const code = failed || hooksFailed ? 1 : 0;
    logger.info({ code }, 'shutdown finished');
    dispose();
    exit(code);
    return code;
  };

  /** Stops taking requests and waits for in-flight ones; true when they outlived the drain timeout. */
  const drain = async (span: Span | undefined): Promise<boolean> => {
    let failed = false;
    startDrain();
    const closed = new Promise<boolean>((resolve) => {
      server.close(() => resolve(true));
    });
    closeIdle();
    let timer: ReturnType<Clock['setTimeout']> | undefined;
    const expired = new Promise<boolean>((resolve) => {
      timer = clock.setTimeout(() => resolve(false), drainMs);
    });
    const drained = await Promise.race([closed, expired]);
    clock.clearTimeout(timer!);
    if (!drained) {
      failed = true;
      logger.warn(
        { drainTimeout: drainMs },
        'in-flight requests outlived the drain timeout; closing connections',
      );
      http.closeAllConnections?.();
      for (const socket of sockets) socket.destroy();
      span?.setStatus({
        code: SpanStatusCode.ERROR,
        message: 'in-flight requests outlived the drain timeout',
      });
    }
    return failed;
  };

  const onSignal = (signal: string): void => {
    if (running === undefined) {
      running = run(signal);
      return;
    }
    logger.warn({ signal }, 'second signal during shutdown; exiting now');
    exit(1);
  };
  const dispose = (): void => {
    for (const signal of signals) source.removeListener(signal, onSignal);
  };
  for (const signal of signals) source.on(signal, onSignal);

  return {
    onShutdown: addHook,
    shutdown(reason = 'shutdown()') {
      running ??= run(reason);
      return running;
    },
    get shuttingDown() {
      return running !== undefined;
    },
    dispose,
  };
}

// The kernel never lets a process catch these, so listening for them would fail or never fire.
const UNCATCHABLE: ReadonlySet<string> = new Set(['SIGKILL', 'SIGSTOP']);

function checkSignals(signals: readonly string[]): readonly string[] {
  if (!Array.isArray(signals)) {
    throw invalidOption('signals', signals, "an array of signal names, like ['SIGTERM', 'SIGINT']");
  }
  signals.forEach((signal: unknown, index) => {
    if (typeof signal === 'string' && UNCATCHABLE.has(signal)) {
      throw invalidOption(
        `signals[${index}]`,
        signal,
        "a signal a process can catch (SIGKILL and SIGSTOP cannot be caught), like 'SIGTERM', 'SIGINT' or 'SIGHUP'",
      );
    }
    if (typeof signal !== 'string' || !Object.hasOwn(constants.signals, signal)) {
      throw invalidOption(
        `signals[${index}]`,
        signal,
        "a signal name this platform knows (os.constants.signals), like 'SIGTERM', 'SIGINT' or 'SIGHUP'",
      );
    }
  });
  return signals;
}

function toHook(input: ShutdownHookInput, index: number, defaultMs: number): Hook {
  const name = `hook #${index}`;
  if (typeof input === 'function') return { name, run: input, timeoutMs: defaultMs };
  if (typeof input !== 'object' || input === null || typeof input.run !== 'function') {
    throw invalidOption('onShutdown', input, 'a function or { name?, run(signal), timeout? }');
  }
  // String(): a name of any type (a bigint, a symbol) must not make the check itself throw.
  const label = String(input.name ?? name);
  // Only a literal is held to the hook keys; a class instance's own fields are its business.
  if (isPlainObject(input)) checkOptions(`onShutdown[${JSON.stringify(label)}]`, input, HOOK_KEYS);
  return {
    name: label,
    run: input.run.bind(input),
    timeoutMs: input.timeout === undefined ? defaultMs : positiveDuration(`${label}.timeout`, input.timeout),
  };
}

async function runHook(
  hook: Hook,
  clock: Clock,
  logger: LoggerLike,
  span: Span | undefined,
): Promise<boolean> {
  const controller = new AbortController();
  let timer: ReturnType<Clock['setTimeout']> | undefined;
  const timedOut = new Promise<string>((resolve) => {
    timer = clock.setTimeout(() => {
      controller.abort(new Error(`${hook.name} timed out after ${hook.timeoutMs} ms`));
      resolve(`timed out after ${hook.timeoutMs} ms`);
    }, hook.timeoutMs);
  });
  const ran = (async () => {
    await hook.run(controller.signal);
    return 'ok';
  })().catch((error: unknown) => `failed: ${error instanceof Error ? error.message : String(error)}`);
  const outcome = await Promise.race([ran, timedOut]);
  clock.clearTimeout(timer!);
  if (outcome === 'ok') {
    logger.info({ hook: hook.name }, 'shutdown hook finished');
    return true;
  }
  logger.error({ hook: hook.name }, `shutdown hook ${outcome}`);
  span?.setStatus({ code: SpanStatusCode.ERROR, message: `shutdown hook ${outcome}` });
  return false;
}
