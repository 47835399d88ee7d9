import type * as Api from '@opentelemetry/api';
import { nodeRequire, type OtelApi, preloaded } from './otel-load.js';

export type { OtelApi } from './otel-load.js';

const SPECIFIER = '@opentelemetry/api';

/*
 * The one door to `@opentelemetry/api` for the whole kit. Importing the API costs more than
 * the rest of `@ballast/core` (some forty CommonJS files), and a process with no
 * OpenTelemetry SDK never needs it: nothing can be registered without loading the API,
 * and until something is, every API call is a no-op. So the ES module build requires it
 * synchronously on first use (see `otel-load.ts` for where it cannot).
 */
let api: OtelApi | undefined;
/** `require` relative to this module, once made. */
let load: NodeJS.Require | undefined;
/** Where `require` finds the API, once looked up (`null`: it cannot). */
let resolved: string | null | undefined;

/**
 * The `@opentelemetry/api` module, loaded on the first call: how the Ballast packages reach
 * the API (never through an import of their own, which would load it with them).
 *
 * @internal
 */
export function otelApi(): typeof Api {
  const loaded = availableOtelApi();
  if (loaded === undefined) {
    throw new Error(
      '@opentelemetry/api is still being imported: this runtime cannot require it, so it is ready a tick after @ballast/core is imported.',
    );
  }
  return loaded;
}

/** {@link otelApi}, or `undefined` while the API is still being imported (see `otel-load.ts`). */
export function availableOtelApi(): OtelApi | undefined {
  if (api === undefined) {
    if (preloaded !== undefined) api = preloaded;
    else {
      load ??= nodeRequire();
      if (load === undefined) return undefined;
      api = load(SPECIFIER) as OtelApi;
    }
  }
  return api;
}

/**
 * The API when some code in this process has loaded it already (so taking it costs
 * nothing), else `undefined`: no provider can have been registered through a copy that
 * nobody loaded.
 */
export function loadedOtelApi(): OtelApi | undefined {
  if (api !== undefined || preloaded !== undefined) return availableOtelApi();
  load ??= nodeRequire();
  if (load === undefined) return undefined;
  if (resolved === undefined) {
    try {
      resolved = load.resolve(SPECIFIER);
    } catch {
      resolved = null;
    }
  }
  if (resolved === null || load.cache[resolved] === undefined) return undefined;
  return availableOtelApi();
}
