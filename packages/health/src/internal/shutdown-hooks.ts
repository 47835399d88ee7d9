import { type Clock, type LoggerLike, otelApi } from '@ballast/core';
import { invalidOption } from '@ballast/errors';
import type { Span } from '@opentelemetry/api';
import type { ShutdownHook, ShutdownHookInput } from '../shutdown-types.js';
import { shutdownPhase } from '../telemetry.js';
import { checkOptions, isPlainObject, keysOf } from './options.js';
import { positiveDuration } from './resolve-check.js';

const HOOK_KEYS = keysOf<ShutdownHook>({ name: true, run: true, timeout: true });

interface Hook {
  name: string;
  run: (signal: AbortSignal) => unknown;
  timeoutMs: number;
}

/** The shutdown hooks: added in order, run in reverse, each under its own timeout. */
export class ShutdownHooks {
  readonly #hooks: Hook[] = [];
  #count = 0;

  constructor(
    /** The default timeout of a hook, ms. */
    readonly defaultMs: number,
  ) {}

  /**
   * Adds a hook; returns a function that removes it.
   * @throws ConfigurationError for a hook that is neither a function nor `{ name?, run, timeout? }`.
   */
  add(input: ShutdownHookInput): () => void {
    const hook = toHook(input, ++this.#count, this.defaultMs);
    this.#hooks.push(hook);
    return () => {
      const index = this.#hooks.indexOf(hook);
      if (index >= 0) this.#hooks.splice(index, 1);
    };
  }

  /** Runs every hook, last added first; `true` when all finished in time without failing. */
  async runAll(clock: Clock, logger: LoggerLike): Promise<boolean> {
    let ok = true;
    for (const hook of [...this.#hooks].reverse()) {
      const attributes = { 'ballast.health.shutdown.hook': hook.name };
      if (!(await shutdownPhase('hook', attributes, (span) => runHook(hook, clock, logger, span))))
        ok = false;
    }
    return ok;
  }
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
  span?.setStatus({ code: otelApi().SpanStatusCode.ERROR, message: `shutdown hook ${outcome}` });
  return false;
}
