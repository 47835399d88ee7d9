import { ManualClock } from '@ballast/core/testing';
import { describe, expect, it } from 'vitest';
import { createService } from '../src/service.js';

describe('graceful shutdown of the service', () => {
  it('answers readiness 503 through preStopDelay while still serving, and only then refuses connections', async () => {
    const clock = new ManualClock();
    const lines: string[] = [];
    const service = await createService({
      preStopDelay: '5s',
      clock,
      logSinks: [{ name: 'memory', write: (line) => void lines.push(line) }],
    });
    expect((await fetch(`${service.url}/health/ready`)).status).toBe(200);
    let closed = false;
    const closing = service.close().then(() => {
      closed = true;
    });
    const ready = await fetch(`${service.url}/health/ready`);
    expect(ready.status).toBe(503);
    // Connections are still accepted and served while the load balancer notices.
    expect((await fetch(`${service.url}/products/1`)).status).toBe(200);
    expect((await fetch(`${service.url}/health/live`)).status).toBe(200);
    expect(closed).toBe(false);
    await clock.advance(5_000);
    await closing;
    await expect(fetch(`${service.url}/health/ready`)).rejects.toThrow();
    const started = lines.map((line) => JSON.parse(line)).find((line) => line.msg === 'shutdown started');
    expect(started).toMatchObject({ preStopDelay: 5_000 });
  });
});
