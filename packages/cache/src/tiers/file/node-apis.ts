import type * as Crypto from 'node:crypto';
import type * as Fs from 'node:fs/promises';
import type * as Path from 'node:path';
import { ConfigurationError } from '@ballast/errors';

/** The Node built-ins the file tier works with. */
export interface NodeApis {
  readonly fs: typeof Fs;
  readonly path: typeof Path;
  readonly crypto: typeof Crypto;
}

let apis: NodeApis | undefined;

/**
 * The file tier's Node built-ins, loaded through `process.getBuiltinModule` (Node, Bun,
 * Deno) when a file tier is created rather than imported, so `@ballast/cache` (whose index
 * exports `fileTier`) bundles for a browser with the memory tier.
 *
 * @throws ConfigurationError in a runtime without them (a browser).
 */
export function nodeApis(): NodeApis {
  if (apis !== undefined) return apis;
  const load = globalThis.process?.getBuiltinModule;
  const fs = load?.('node:fs/promises');
  const path = load?.('node:path');
  const crypto = load?.('node:crypto');
  if (fs === undefined || path === undefined || crypto === undefined) {
    throw new ConfigurationError(
      'fileTier needs node:fs, node:path and node:crypto, which this runtime lacks.',
      {
        suggestions: ['Use fileTier on Node, Bun or Deno; in a browser, use memoryTier.'],
      },
    );
  }
  apis = { fs, path, crypto };
  return apis;
}
