import { otelApi } from '@ballast/core';
import { ConnectionDrain } from './internal/connection-drain.js';
import { ShutdownHooks } from './internal/shutdown-hooks.js';
import { shutdownSettings } from './internal/shutdown-settings.js';
import type {
  DrainableServer,
  GracefulShutdown,
  GracefulShutdownOptions,
  ShutdownHookInput,
} from './shutdown-types.js';
import { shutdownPhase } from './telemetry.js';

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
  const { server, signals, preStopMs, drainMs, hookMs, health, logger, clock, exit, source } =
    shutdownSettings(target, options);
  const hooks = new ShutdownHooks(hookMs);
  const initial = options.onShutdown ?? [];
  for (const hook of Array.isArray(initial) ? initial : [initial]) hooks.add(hook as ShutdownHookInput);
  const connections = new ConnectionDrain(server);

  let running: Promise<number> | undefined;
  const run = async (reason: string): Promise<number> => {
    logger.info({ reason, preStopDelay: preStopMs, drainTimeout: drainMs }, 'shutdown started');
    health?.beginShutdown();
    if (preStopMs > 0) await shutdownPhase('pre_stop', {}, () => clock.sleep(preStopMs));
    let failed = !(await shutdownPhase('drain', {}, async (span) => {
      const drained = await connections.drain(clock, drainMs, logger);
      if (!drained) {
        span?.setStatus({
          code: otelApi().SpanStatusCode.ERROR,
          message: 'in-flight requests outlived the drain timeout',
        });
      }
      return drained;
    }));
    if (!(await hooks.runAll(clock, logger))) failed = true;
    const code = failed ? 1 : 0;
    logger.info({ code }, 'shutdown finished');
    dispose();
    exit(code);
    return code;
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
    onShutdown: (hook) => hooks.add(hook),
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
