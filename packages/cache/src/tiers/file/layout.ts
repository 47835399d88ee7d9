import { nodeApis } from './node-apis.js';

/**
 * Where the file tier keeps things under its directory: each entry in
 * `<dir>/<h0h1>/<h2h3>/<hash>.json`, `hash` being the SHA-1 of its key (two levels of
 * sharding keep directories small), and each write first in a temp file beside it.
 */

/** A first-level shard directory (`'3f'`): what `clear()` removes. */
const SHARD = /^[0-9a-f]{2}$/;
/** A temp file of `set` (`<hash>.json.<pid>.<random>.tmp`), renamed into place once written. */
const TEMP = /\.json\.\d+\.[0-9a-f]{8}\.tmp$/;

/** The file of `key`'s entry under `dir`. */
export function entryPath(dir: string, key: string): string {
  const { crypto, path } = nodeApis();
  const hash = crypto.createHash('sha1').update(key).digest('hex');
  return path.join(dir, hash.slice(0, 2), hash.slice(2, 4), `${hash}.json`);
}

/** A fresh temp file beside `path` for this process, to write before renaming it into place. */
export function tempPath(path: string): string {
  return `${path}.${process.pid}.${nodeApis().crypto.randomBytes(4).toString('hex')}.tmp`;
}

/** Whether a name directly under the directory is one of its shards. */
export function isShard(name: string): boolean {
  return SHARD.test(name);
}

/** Whether a path under the directory is a temp file a crash left between write and rename. */
export function isTempFile(path: string): boolean {
  return TEMP.test(path);
}

/** Whether a path under the directory is an entry file. */
export function isEntryFile(path: string): boolean {
  return path.endsWith('.json');
}
