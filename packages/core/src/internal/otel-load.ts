import type * as Api from '@opentelemetry/api';

/** The `@opentelemetry/api` module. */
export type OtelApi = typeof Api;

interface NodeModules {
  'node:fs': typeof import('node:fs');
  'node:module': typeof import('node:module');
}
/** Node's built-in modules, synchronously (Node, Bun, Deno), or `undefined` where there are none. */
const builtin = (globalThis as { process?: { getBuiltinModule?: unknown } }).process?.getBuiltinModule as
  | (<K extends keyof NodeModules>(id: K) => NodeModules[K])
  | undefined;

/**
 * `require` relative to this module, made on the first call (Node, Bun, Deno); `undefined`
 * where there is none.
 */
export function nodeRequire(): NodeJS.Require | undefined {
  return builtin?.('node:module').createRequire(import.meta.url);
}

/** Whether `require` can load the API from here later. */
function requirable(): boolean {
  if (builtin === undefined) return false;
  try {
    // Run from this package's own files (installed, or in its workspace): its peer
    // dependency resolves from here, and one small read says so.
    const manifest = builtin('node:fs').readFileSync(new URL('../package.json', import.meta.url), 'utf8');
    if ((JSON.parse(manifest) as { name?: unknown }).name === '@ballast/core') return true;
  } catch {
    // Not this package's layout (run from source, or bundled): ask the resolver.
  }
  try {
    return nodeRequire()?.resolve('@opentelemetry/api') !== undefined;
  } catch {
    return false;
  }
}

/**
 * The API once imported, where `require` cannot load it: a runtime without
 * `process.getBuiltinModule` (a browser), or a bundle without `node_modules` (a bundler
 * sees this `import()` and keeps the API in the bundle). The import starts now and settles
 * a tick later; until then telemetry stays off. Elsewhere `undefined`: the API is required
 * on first use. The CommonJS build replaces this module by `otel-load.cjs.ts`.
 */
export let preloaded: OtelApi | undefined;
if (!requirable()) {
  void import('@opentelemetry/api').then((api) => {
    preloaded = api;
  });
}
