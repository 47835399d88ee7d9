import { freePort, requireRedis, uniquePrefix } from '@ballast/test-utils';
import Redis, { type RedisOptions } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  InternalError,
  NetworkError,
  normalizeError,
  TimeoutError,
  UnavailableError,
} from '../src/index.js';

const url = await requireRedis();
const prefix = uniquePrefix('errors');

describe.skipIf(!url)('normalizeError on real ioredis errors', () => {
  const clients: Redis[] = [];
  const client = (options: RedisOptions = {}) => {
    const redis = new Redis(url!, { lazyConnect: true, ...options });
    redis.on('error', () => {});
    clients.push(redis);
    return redis;
  };
  const closedClient = async (options: RedisOptions) => {
    const redis = new Redis({ port: await freePort(), lazyConnect: true, ...options });
    redis.on('error', () => {});
    clients.push(redis);
    return redis;
  };

  afterAll(() => {
    for (const redis of clients) redis.disconnect();
  });

  it('maps "Connection is closed." to NetworkError', async () => {
    const redis = await closedClient({ maxRetriesPerRequest: 0, retryStrategy: () => null });
    const error = await redis.get(`${prefix}k`).catch((e: unknown) => e);
    expect(normalizeError(error)).toBeInstanceOf(NetworkError);
  });

  it('maps MaxRetriesPerRequestError to UnavailableError', async () => {
    const redis = await closedClient({ maxRetriesPerRequest: 1, retryStrategy: () => 5 });
    redis.connect().catch(() => {});
    const error = await redis.get(`${prefix}k`).catch((e: unknown) => e);
    expect((error as Error).name).toBe('MaxRetriesPerRequestError');
    expect(normalizeError(error)).toBeInstanceOf(UnavailableError);
  });

  it('maps a command timeout to TimeoutError', async () => {
    const redis = client({ commandTimeout: 20 });
    const error = await redis.blpop(`${prefix}never`, 1).catch((e: unknown) => e);
    expect(normalizeError(error)).toBeInstanceOf(TimeoutError);
  });

  it('maps a wrong password to ConfigurationError and an unknown command to InternalError', async () => {
    const redis = client();
    const auth = await redis.auth(`${prefix}nobody`, 'wrong').catch((e: unknown) => e);
    expect((auth as Error).name).toBe('ReplyError');
    expect(normalizeError(auth)).toBeInstanceOf(ConfigurationError);
    const unknown = await redis.call('BALLAST_NO_SUCH_COMMAND').catch((e: unknown) => e);
    expect(normalizeError(unknown)).toBeInstanceOf(InternalError);
  });
});
