import type { Server } from 'node:net';
import type { Clock, Duration, LoggerLike } from '@ballast/core';

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
  /** Starts calling `listener` when `event` (a signal name) arrives. */
  on(event: string, listener: (signal: string) => void): unknown;
  /** Stops calling `listener` for `event`. */
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
  /** Where the shutdown steps are logged. @defaultValue `noopLogger` */
  logger?: LoggerLike;
  /** The source of time for the pre-stop delay, the drain timeout and hook timeouts. @defaultValue `systemClock` */
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
