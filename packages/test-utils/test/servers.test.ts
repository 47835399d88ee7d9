import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { pingRedis, startFaultProxy, startRedisServer } from '../src/index.js';

const server = await startRedisServer();
afterAll(() => server.stop());

describe('startRedisServer', () => {
  it('answers, dies when killed and comes back on the same port', async () => {
    expect(await pingRedis(server.url)).toBe(true);
    await server.kill();
    expect(await pingRedis(server.url, 300)).toBe(false);
    await server.restart();
    expect(await pingRedis(server.url)).toBe(true);
    await server.kill();
    await server.kill();
    await server.restart();
  });

  it('fails clearly when the binary is missing', async () => {
    await expect(startRedisServer({ bin: '/nonexistent/redis-server' })).rejects.toThrow(/Could not start/);
  });
});

describe('startFaultProxy', () => {
  it('passes traffic, adds latency, black-holes, refuses and drops connections', async () => {
    const proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: server.port } });
    const proxied = `redis://127.0.0.1:${proxy.port}`;
    try {
      expect(await pingRedis(proxied)).toBe(true);

      proxy.setLatency(30);
      const client = new Redis(proxied, {
        maxRetriesPerRequest: 0,
        enableOfflineQueue: false,
        lazyConnect: true,
      });
      await client.connect();
      expect(await client.ping()).toBe('PONG');
      expect(proxy.connections).toBe(1);
      proxy.setLatency(0);

      proxy.setMode('blackhole');
      expect(await pingRedis(proxied, 200)).toBe(false);

      proxy.setMode('refuse');
      expect(await pingRedis(proxied, 500)).toBe(false);
      expect(proxy.connections).toBe(0);

      proxy.setMode('pass');
      expect(await pingRedis(proxied)).toBe(true);
      proxy.dropConnections();
      client.disconnect();
    } finally {
      await proxy.close();
    }
  });

  it('holds black-holed bytes and delivers them in order once traffic passes again', async () => {
    const proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: server.port } });
    const client = new Redis(`redis://127.0.0.1:${proxy.port}`, { lazyConnect: true });
    const key = `fault-proxy:${process.pid}:${Date.now()}`;
    try {
      await client.connect();
      await client.set(`${key}:a`, 'A', 'PX', 10_000);
      await client.set(`${key}:b`, 'B', 'PX', 10_000);
      proxy.setMode('blackhole');
      const held = client.get(`${key}:a`);
      const outcome = await Promise.race([held, new Promise((resolve) => setTimeout(resolve, 100, 'held'))]);
      expect(outcome).toBe('held');
      proxy.setLatency(20);
      proxy.setMode('pass');
      const [a, b] = await Promise.all([held, client.get(`${key}:b`)]);
      expect([a, b]).toEqual(['A', 'B']);
      expect(await client.get(`${key}:a`)).toBe('A');
      await client.del(`${key}:a`, `${key}:b`);
    } finally {
      client.disconnect();
      await proxy.close();
    }
  });
});
