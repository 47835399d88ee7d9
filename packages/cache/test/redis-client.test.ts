import { isBallastError } from '@ballast/errors';
import { freePort } from '@ballast/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { closeClient, type RedisClient, redisClientFrom } from '../src/internal/redis-client.js';

/** A stand-in for an ioredis client in a given state, whose QUIT answers as `quit` says. */
function fakeClient(status: string, quit: () => Promise<unknown>) {
  const client = { status, quit: vi.fn(quit), disconnect: vi.fn() };
  return client as typeof client & RedisClient;
}

describe('closeClient', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('drops a client that is not connected without sending QUIT, which would wait in the offline queue', async () => {
    for (const status of ['reconnecting', 'connecting', 'close', 'wait']) {
      const client = fakeClient(status, () => new Promise(() => {}));
      await closeClient(client);
      expect(client.quit).not.toHaveBeenCalled();
      expect(client.disconnect).toHaveBeenCalledOnce();
    }
  });

  it('quits a connected client, leaving the connection to QUIT', async () => {
    const client = fakeClient('ready', async () => 'OK');
    await closeClient(client);
    expect(client.quit).toHaveBeenCalledOnce();
    expect(client.disconnect).not.toHaveBeenCalled();
  });

  it('drops a connected client whose QUIT fails', async () => {
    const client = fakeClient('ready', async () => {
      throw new Error('Connection is closed.');
    });
    await closeClient(client);
    expect(client.disconnect).toHaveBeenCalledOnce();
  });

  it('drops a connected client whose QUIT gets no answer within the bound', async () => {
    vi.useFakeTimers();
    const client = fakeClient('ready', () => new Promise(() => {}));
    let closed = false;
    const closing = closeClient(client, 1_000).then(() => {
      closed = true;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(closed).toBe(false);
    expect(client.disconnect).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    await closing;
    expect(client.disconnect).toHaveBeenCalledOnce();
  });
});

describe('redisClientFrom a URL', () => {
  it('reports the connection errors of the client it made, keeps the last one and closes it at once', async () => {
    const port = await freePort(); // nothing listens there
    const errors: unknown[] = [];
    const source = redisClientFrom('test', { url: `redis://127.0.0.1:${port}` }, (error) =>
      errors.push(error),
    );
    const client = await source.get();
    await vi.waitFor(() => expect(errors.length).toBeGreaterThan(0));
    expect((errors[0] as { code?: string }).code).toBe('ECONNREFUSED');
    expect(source.lastError).toBe(errors.at(-1));
    // QUIT would wait behind this command in the offline queue until the retries ran out (~10 s).
    void client.get('queued').catch(() => {});
    const started = Date.now();
    await source.close();
    expect(Date.now() - started).toBeLessThan(500);
    await expect(source.get()).resolves.toBe(client);
  });

  it('opens nothing when first asked for its client after close()', async () => {
    const source = redisClientFrom('test', { url: 'redis://127.0.0.1:6379' });
    await source.close();
    await expect(source.get()).rejects.toSatisfy(
      (error) => isBallastError(error) && error.code === 'UNAVAILABLE' && /closed/.test(error.message),
    );
  });

  it("never reports a caller's client errors nor closes it", async () => {
    const client = { defineCommand() {}, quit: vi.fn(), disconnect: vi.fn() } as unknown as RedisClient;
    const source = redisClientFrom('test', { client });
    expect(await source.get()).toBe(client);
    expect(source.lastError).toBeUndefined();
    await source.close();
    expect(client.quit).not.toHaveBeenCalled();
    expect(client.disconnect).not.toHaveBeenCalled();
  });
});
