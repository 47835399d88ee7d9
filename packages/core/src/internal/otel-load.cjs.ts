// The CommonJS build's `otel-load.ts` (swapped in by tsup.config.ts): a bundler sees this
// `require` and keeps the API, and a CommonJS consumer loads it with the package, as before.
import * as api from '@opentelemetry/api';
import type { OtelApi } from './otel-load.js';

/** No lazy `require`: the API is loaded with the package. */
export function nodeRequire(): NodeJS.Require | undefined {
  return undefined;
}

/** The API, loaded with the package. */
export const preloaded: OtelApi | undefined = api;
