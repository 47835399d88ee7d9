import { AsyncLocalStorage } from 'node:async_hooks';
import type { Scrub } from './internal/scrub.js';
import { sharedFieldsJson } from './internal/serialize.js';

/** Fields attached to every line logged inside {@link withLogContext}. */
export type LogContextFields = Record<string, unknown>;

interface Store {
  readonly fields: LogContextFields;
  /** The fields serialized for the last logger core that asked (one slot is enough in practice). */
  scrub: Scrub | undefined;
  json: string;
  /** The same, on a line that carries trace ids. */
  traced: string;
}

/**
 * One store per process, shared by every copy of this package that is loaded (its ESM and
 * CommonJS builds side by side, or two installed copies), so a line written by one copy
 * inside another copy's `withLogContext` keeps the fields (docs/design.md, "One context
 * across ESM and CJS"). The key names the shape of `Store`: change it when the shape changes.
 */
const STORE_KEY = Symbol.for('ballast.logger.context.v1');
const shared = globalThis as { [STORE_KEY]?: AsyncLocalStorage<Store> };
shared[STORE_KEY] ??= new AsyncLocalStorage<Store>();
const storage = shared[STORE_KEY];

/**
 * Runs `fn` with `fields` (request id, user id, tenant…) added to every line any
 * logger writes inside it, across `await`, timers and stream callbacks, via
 * AsyncLocalStorage. Nested calls merge, the inner value winning. Returns what `fn` returns.
 *
 * @example
 * await withLogContext({ requestId }, () => handle(req)); // every line inside carries requestId
 */
export function withLogContext<T>(fields: LogContextFields, fn: () => T): T {
  const outer = storage.getStore();
  const own = copyFields(fields);
  const merged = outer === undefined ? own : { ...outer.fields, ...own };
  return storage.run({ fields: merged, scrub: undefined, json: '', traced: '' }, fn);
}

/**
 * A copy of the host's fields that cannot throw, so `fn` always runs: a getter that throws
 * leaves its field as `'[Unserializable]'`; a proxy whose keys cannot be listed leaves one
 * `log_context: '[Unserializable]'` field, so the loss shows on every line.
 */
function copyFields(fields: LogContextFields): LogContextFields {
  try {
    return { ...fields };
  } catch {
    let keys: string[];
    try {
      keys = Object.keys(fields);
    } catch {
      return { log_context: UNSERIALIZABLE };
    }
    const copy: LogContextFields = {};
    for (const key of keys) {
      try {
        copy[key] = fields[key];
      } catch {
        copy[key] = UNSERIALIZABLE;
      }
    }
    return copy;
  }
}

const UNSERIALIZABLE = '[Unserializable]';

/** The fields of the current log context (a copy), or an empty object outside any. */
export function getLogContext(): LogContextFields {
  const store = storage.getStore();
  return store === undefined ? {} : { ...store.fields };
}

/** Whether the current log context holds `key` with exactly `value` (so a line need not repeat it). */
export function contextHolds(key: string, value: unknown): boolean {
  const store = storage.getStore();
  return store !== undefined && Object.hasOwn(store.fields, key) && store.fields[key] === value;
}

/**
 * The current context as `,"k":v` members, serialized once per context and scrub (whose
 * logger core always passes the same line `keys`, its `sharedKeys`), for a line with or
 * without trace ids.
 */
export function contextJson(s: Scrub, keys: number, traced: boolean): string {
  const store = storage.getStore();
  if (store === undefined) return '';
  if (store.scrub !== s) {
    const json = sharedFieldsJson(store.fields, s, keys);
    store.json = json.plain;
    store.traced = json.traced;
    store.scrub = s;
  }
  return traced ? store.traced : store.json;
}
