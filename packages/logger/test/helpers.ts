import type { LevelName, LogSink } from '@ballast/logger';

/** A sink that keeps lines in memory, for assertions. */
export interface MemorySink extends LogSink {
  readonly raw: string[];
  /** Parsed lines. */
  readonly lines: Array<Record<string, unknown>>;
}

export function memorySink(level?: LevelName): MemorySink {
  const raw: string[] = [];
  return {
    name: 'memory',
    level,
    raw,
    get lines() {
      return raw.map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    write(line) {
      raw.push(line);
    },
  };
}

const fail = (): never => {
  throw new Error('hostile');
};

/**
 * Values that throw when read, listed or converted: throwing and revoked proxies, proxies
 * of Errors, arrays, Maps and Dates, throwing getters and `toJSON`. Made on demand: property
 * tests plant a {@link HostileSlot} and swap it in with {@link plantHostile}, because
 * fast-check itself would trip over such a value while generating or reporting it.
 */
export const HOSTILE: readonly (() => unknown)[] = [
  () => new Proxy({}, { get: fail }),
  () => {
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    return revocable.proxy;
  },
  () => new Proxy(new Error('x'), { getPrototypeOf: fail }),
  () => new Proxy({ a: 1 }, { ownKeys: fail }),
  () => new Proxy([1, 2], { get: fail }),
  () => new Proxy(new Map([['a', 1]]), {}),
  () => new Proxy(new Set([1]), {}),
  () => ({ toJSON: fail }),
  () => Object.defineProperty({ ok: 1 }, 'boom', { get: fail, enumerable: true }),
  () => Object.defineProperty([1], 1, { get: fail, enumerable: true }),
];

/** Stands for a hostile value in a generated structure until {@link plantHostile} swaps it in. */
export class HostileSlot {
  constructor(readonly kind: number) {}
}

/** A copy of `value` with every {@link HostileSlot} (in arrays, plain objects and Map values) made hostile. */
export function plantHostile(value: unknown): unknown {
  if (value instanceof HostileSlot) return HOSTILE[value.kind % HOSTILE.length]!();
  if (Array.isArray(value)) return value.map(plantHostile);
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, plantHostile(v)]));
  if (typeof value !== 'object' || value === null) return value;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out = Object.create(proto) as Record<string, unknown>;
  for (const key of Object.keys(value)) out[key] = plantHostile((value as Record<string, unknown>)[key]);
  return out;
}
