import type { Server } from 'node:net';
import { constants } from 'node:os';
import { type Clock, type LoggerLike, noopLogger, systemClock } from '@ballast/core';
import { durationOption, invalidOption } from '@ballast/errors';
import type { DrainableServer, GracefulShutdownOptions, SignalSource } from '../shutdown-types.js';
import { checkMethods, checkOptions, keysOf } from './options.js';
import { positiveDuration } from './resolve-check.js';

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

/** What `gracefulShutdown` runs on, its options checked and defaults resolved. */
export interface ShutdownSettings {
  readonly server: Server;
  readonly signals: readonly string[];
  readonly preStopMs: number;
  readonly drainMs: number;
  readonly hookMs: number;
  readonly health: { beginShutdown(): void } | undefined;
  readonly logger: LoggerLike;
  readonly clock: Clock;
  readonly exit: (code: number) => void;
  readonly source: SignalSource;
}

/**
 * Checks the server and every option of `gracefulShutdown`.
 * @throws ConfigurationError naming the option that is unknown or invalid.
 */
export function shutdownSettings(
  target: DrainableServer,
  options: GracefulShutdownOptions,
): ShutdownSettings {
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
  return { server, signals, preStopMs, drainMs, hookMs, health: options.health, logger, clock, exit, source };
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
