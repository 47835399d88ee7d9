import type * as Api from '@opentelemetry/api';

/** The `@opentelemetry/api` module. */
export type OtelApi = typeof Api;

const node = (
  globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
).process?.getBuiltinModule?.('node:module') as typeof import('node:module') | undefined;

/** `require` relative to this module (Node, Bun, Deno), or `undefined` where there is none. */
export const nodeRequire: NodeJS.Require | undefined = node?.createRequire(import.meta.url);

function requirable(): boolean {
  try {
    return nodeRequire?.resolve('@opentelemetry/api') !== undefined;
  } catch {
    return false;
  }
}

/**
 * The API, imported now only where `require` cannot load it later: a runtime without
 * `process.getBuiltinModule`, or a bundle without `node_modules` (a bundler sees this
 * `import()` and keeps the API in the bundle). Elsewhere `undefined`: it is required on
 * first use. The CommonJS build replaces this module by `otel-load.cjs.ts`.
 */
export const preloaded: OtelApi | undefined = requirable() ? undefined : await import('@opentelemetry/api');
