import { once } from 'node:events';
import { ManualClock } from '@ballast/core/testing';
import { requireRedis, startRedisServer } from '@ballast/test-utils';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createHealth, redisCheck } from '../src/index.js';

const url = await requireRedis();

describe.skipIf(!url)('redisCheck against real Redis', () => {
  const clients: Redis[] = [];
  afterAll(() => {
    for (const client of clients) client.disconnect();
  });

  it('passes with the PING latency as redis:responseTime', async () => {
    const client = new Redis(url!);
    clients.push(client);
    const health = createHealth({ checks: [redisCheck(client, { warnLatency: '5s' })] });
    const report = await health.check('readiness');
    expect(report.status).toBe('pass');
    const entry = report.checks['redis:responseTime']?.[0];
    expect(entry).toMatchObject({ componentId: 'redis', componentType: 'datastore', observedUnit: 'ms' });
    expect(typeof entry?.observedValue).toBe('number');
  });

  it('fails when the Redis server is stopped, and passes again after a restart', async () => {
    const server = await startRedisServer();
    try {
      const client = new Redis(server.url, { maxRetriesPerRequest: 1, retryStrategy: () => 20 });
      client.on('error', () => {}); // expected while the server is down
      clients.push(client);
      // warnLatency well above a first PING that also connects, on a loaded machine: this test is
      // about stop and restart, not latency.
      const health = createHealth({
        timeout: '2s',
        checks: [redisCheck(client, { name: 'cache', warnLatency: '1.5s' })],
      });
      expect((await health.check()).status).toBe('pass');
      await server.kill();
      const down = await health.check();
      expect(down.status).toBe('fail');
      const entry = down.checks['cache:responseTime']?.[0];
      expect(entry?.output).toMatch(/Redis connection is|PING failed|timed out/);
      expect(entry?.suggestion).toBeDefined();
      await server.restart();
      let status = 'fail';
      for (let i = 0; i < 100 && status !== 'pass'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        status = (await health.check()).status;
      }
      expect(status).toBe('pass');
    } finally {
      await server.stop();
    }
  });

  it('fails a client that was closed for good, without sending anything', async () => {
    const client = new Redis(url!);
    await client.ping();
    const ended = once(client, 'end');
    client.disconnect();
    await ended;
    const health = createHealth({ checks: [redisCheck(client)] });
    const entry = (await health.check()).checks['redis:responseTime']?.[0];
    expect(entry?.status).toBe('fail');
    expect(entry?.output).toBe('the Redis connection is end');
  });
});

describe('redisCheck with a scripted client', () => {
  it('warns when PING is slower than warnLatency', async () => {
    const clock = new ManualClock();
    const client = { ping: () => clock.sleep(150).then(() => 'PONG') };
    const health = createHealth({ clock, checks: [redisCheck(client, { clock, warnLatency: 100 })] });
    const pending = health.check();
    await clock.advance(150);
    const entry = (await pending).checks['redis:responseTime']?.[0];
    expect(entry).toMatchObject({
      status: 'warn',
      observedValue: 150,
      output: 'PING took 150 ms (warns above 100 ms)',
    });
  });

  it('fails with the error when PING rejects', async () => {
    const client = { ping: () => Promise.reject(new Error('NOAUTH Authentication required.')) };
    const entry = (await createHealth({ checks: [redisCheck(client)] }).check()).checks[
      'redis:responseTime'
    ]?.[0];
    expect(entry).toMatchObject({ status: 'fail', output: 'PING failed: NOAUTH Authentication required.' });
  });

  it('keeps registry settings such as critical, kinds and interval', () => {
    const check = redisCheck(
      { ping: async () => 'PONG' },
      { critical: false, kinds: ['readiness'], interval: '5s' },
    );
    expect(check).toMatchObject({ name: 'redis', critical: false, kinds: ['readiness'], interval: '5s' });
  });
});
