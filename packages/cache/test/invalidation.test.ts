import { ManualClock } from '@ballast/core/testing';
import { describe, expect, it, vi } from 'vitest';
import { type BusHandlers, type BusMessage, type CacheBus, createCache, memoryTier } from '../src/index.js';
import { mapTier } from './helpers.js';

/** An in-process bus linking caches in one test, delivering synchronously. */
function localBus(): { connect(): CacheBus; published: BusMessage[]; reconnectAll(): void } {
  const subscribers = new Set<BusHandlers>();
  const published: BusMessage[] = [];
  return {
    published,
    reconnectAll: () => {
      for (const handlers of subscribers) handlers.reconnect();
    },
    connect() {
      let mine: BusHandlers | undefined;
      return {
        async publish(message) {
          published.push(message);
          for (const handlers of subscribers) handlers.message(message);
        },
        subscribe(handlers) {
          mine = handlers;
          subscribers.add(handlers);
        },
        close() {
          if (mine) subscribers.delete(mine);
        },
      };
    },
  };
}

describe('createCache: invalidation', () => {
  it('deletes by tag from every tier', async () => {
    const l2 = mapTier();
    const cache = createCache({ tiers: [memoryTier(), l2] });
    await cache.set('a', 1, { tags: ['user:1'] });
    await cache.set('b', 2, { tags: ['user:2'] });
    await cache.deleteByTag('user:1');
    expect(await cache.get('a')).toBeUndefined();
    expect(await cache.get('b')).toBe(2);
    expect(l2.map.has('a')).toBe(false);
    await cache.deleteByTag([]);
  });

  it('clears one namespace without touching the others', async () => {
    const cache = createCache({ tiers: [memoryTier(), mapTier()] });
    const users = cache.namespace('users');
    await users.set('1', 'ann');
    await cache.namespace('courses').set('1', 'maths');
    await cache.set('root', true);
    await users.clear();
    expect(await users.get('1')).toBeUndefined();
    expect(await cache.namespace('courses').get('1')).toBe('maths');
    expect(await cache.get('root')).toBe(true);
    expect(users.namespace('admins').namespaceName).toBe('users:admins');
    expect(cache.namespace('users')).toBe(users);
    await cache.clear();
    expect(await cache.namespace('courses').get('1')).toBeUndefined();
  });

  it('drops keys from other processes’ L1 through the bus, ignoring its own messages', async () => {
    const bus = localBus();
    const shared = mapTier();
    const a = createCache({ tiers: [memoryTier(), shared], bus: bus.connect() });
    const b = createCache({ tiers: [memoryTier(), shared], bus: bus.connect() });
    const other = createCache({ name: 'other', tiers: [memoryTier()], bus: bus.connect() });
    await Promise.resolve();
    const invalidated = vi.fn();
    b.on('invalidate', invalidated);
    await other.set('k', 'other-cache');
    await a.set('k', 'v1');
    expect(await b.getOrSet('k', () => 'unused')).toBe('v1');
    await a.set('k', 'v2');
    expect(await b.getOrSet('k', () => 'unused')).toBe('v2');
    expect(await other.get('k')).toBe('other-cache');
    await a.set('t', 1, { tags: ['tag'] });
    await b.get('t');
    await a.deleteByTag('tag');
    shared.map.set('t', {
      value: 'resurrected',
      createdAt: Date.now(),
      freshUntil: Number.MAX_SAFE_INTEGER,
      staleUntil: Number.MAX_SAFE_INTEGER,
      ttl: 1,
      tags: [],
    });
    expect(await b.get('t')).toBe('resurrected');
    await a.clear();
    expect(await b.get('k')).toBeUndefined();
    expect(invalidated.mock.calls.map(([event]) => event.type)).toEqual([
      'delete',
      'delete',
      'delete',
      'tag',
      'clear',
    ]);
    expect(bus.published.every((message) => typeof message.from === 'string')).toBe(true);
  });

  it('clears L1 when the bus reconnects, since messages may have been missed', async () => {
    const bus = localBus();
    const cache = createCache({ bus: bus.connect() });
    await Promise.resolve();
    const reconnect = vi.fn();
    cache.on('bus:reconnect', reconnect);
    await cache.set('k', 1);
    bus.reconnectAll();
    await Promise.resolve();
    expect(await cache.get('k')).toBeUndefined();
    expect(reconnect).toHaveBeenCalledTimes(1);
    await cache.close();
  });

  it('reports a bus that fails to publish or subscribe, without failing callers', async () => {
    const errors = vi.fn();
    const cache = createCache({
      bus: {
        publish: () => Promise.reject(new Error('publish failed')),
        subscribe: () => Promise.reject(new Error('subscribe failed')),
        close: () => {},
      },
    });
    cache.on('error', errors);
    await new Promise((resolve) => setImmediate(resolve));
    await cache.set('k', 1);
    expect(errors.mock.calls.map(([event]) => event.operation).sort()).toEqual(['bus', 'publish']);
  });

  it('with write-behind, publishes the keys of each batch once they are written, not when queued', async () => {
    const clock = new ManualClock();
    const bus = localBus();
    const l2 = mapTier();
    const failing = new Set(['b']);
    l2.failWrite = (_operation, key) => failing.delete(key);
    const cache = createCache({
      tiers: [memoryTier(), l2],
      bus: bus.connect(),
      clock,
      writeBehind: { flushInterval: 50, maxBatch: 2 },
    });
    await cache.set('a', 1);
    await cache.set('b', 2);
    await cache.delete('c');
    expect(bus.published).toEqual([]);
    await clock.advance(50); // b fails once: not published
    expect(bus.published.map((message) => message.type === 'delete' && message.keys)).toEqual([['a'], ['c']]);
    await clock.advance(50);
    expect(bus.published.map((message) => message.type === 'delete' && message.keys)).toEqual([
      ['a'],
      ['c'],
      ['b'],
    ]);
    await cache.close();
  });
});
