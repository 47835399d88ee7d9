import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { ConfigurationError } from '@ballast/errors';
import { describe, expect, it } from 'vitest';
import {
  createHealth,
  diskSpaceCheck,
  gracefulShutdown,
  healthHandler,
  httpCheck,
  redisCheck,
} from '../src/index.js';

/** The ConfigurationError `create` throws. */
function rejection(create: () => unknown): InstanceType<typeof ConfigurationError> {
  try {
    create();
  } catch (error) {
    expect(ConfigurationError.is(error), String(error)).toBe(true);
    return error as InstanceType<typeof ConfigurationError>;
  }
  throw new Error('expected a ConfigurationError');
}

describe('values that would fail later are rejected at creation', () => {
  it('createHealth: checks that are not an array', () => {
    const error = rejection(() => createHealth({ checks: {} as never }));
    expect(error.message).toBe(
      'Invalid option checks: got {}; expected an array of checks, like [redisCheck(redis), { name, run }].',
    );
    expect(error.suggestions).toEqual([
      'Set checks to an array of checks, like [redisCheck(redis), { name, run }].',
    ]);
    expect(rejection(() => createHealth({ checks: 'redis' as never })).message).toContain('option checks');
  });

  it.each([
    ['a service that is not an object', { service: 'api' }, 'createHealth.service'],
    ['a service name that is not a string', { service: { name: 42 } }, 'service.name'],
    ['a service version that is not a string', { service: { version: 1 } }, 'service.version'],
    ['a clock without timers', { clock: { now: () => 0 } }, 'clock'],
    ['a redact that is not a function', { redact: true }, 'redact'],
  ])('createHealth: %s', (_, options, option) => {
    expect(rejection(() => createHealth(options as never)).message).toContain(`option ${option}`);
  });

  it('gracefulShutdown: a signal this platform does not know, or one that cannot be caught', () => {
    const error = rejection(() => gracefulShutdown(createServer(), { signals: ['SIGTERM', 'SIGFOO'] }));
    expect(error.message).toContain('Invalid option signals[1]: got "SIGFOO"');
    expect(error.message).toContain("like 'SIGTERM', 'SIGINT' or 'SIGHUP'");
    expect(rejection(() => gracefulShutdown(createServer(), { signals: ['SIGKILL'] })).message).toContain(
      'cannot be caught',
    );
    expect(
      rejection(() => gracefulShutdown(createServer(), { signals: 'SIGTERM' as never })).message,
    ).toContain('option signals');
  });

  it('gracefulShutdown: no server', () => {
    expect(rejection(() => gracefulShutdown(undefined as never)).message).toContain('option server');
  });

  it.each([
    ['a health without beginShutdown', { health: {} }, 'health'],
    ['an exit that is not a function', { exit: 1 }, 'exit'],
    ['a signalSource without on', { signalSource: {} }, 'signalSource'],
    ['a logger without warn', { logger: { info: () => {}, error: () => {} } }, 'logger'],
    ['a clock without sleep', { clock: { now: () => 0 } }, 'clock'],
  ])('gracefulShutdown: %s', (_, options, option) => {
    expect(rejection(() => gracefulShutdown(createServer(), options as never)).message).toContain(
      `option ${option}`,
    );
  });

  it('healthHandler: no health registry', () => {
    const error = rejection(() => healthHandler(undefined as never));
    expect(error.message).toBe(
      'Invalid option healthHandler health: got undefined; expected a registry from createHealth(), as in healthHandler(createHealth({ checks })).',
    );
    expect(rejection(() => healthHandler({ check: () => {} } as never)).message).toContain(
      'healthHandler health',
    );
  });

  it('redisCheck: no client, or one without ping()', () => {
    const error = rejection(() => (redisCheck as (client?: unknown) => unknown)());
    expect(error.message).toBe(
      'Invalid option redisCheck client: got undefined; expected a Redis client with ping(), such as an ioredis Redis or Cluster: redisCheck(redis).',
    );
    expect(rejection(() => redisCheck({} as never)).message).toContain('redisCheck client');
  });

  it('diskSpaceCheck: a warn threshold below the fail threshold', () => {
    const error = rejection(() => diskSpaceCheck('/', { minFree: '10%', warnFree: '5%' }));
    expect(error.message).toBe(
      'Invalid option warnFree: got "5%"; expected at least minFree ("10%"): less free space than warnFree warns, less than minFree fails.',
    );
    expect(rejection(() => diskSpaceCheck('/', { minFree: '2GiB', warnFree: '1GB' })).message).toContain(
      'option warnFree',
    );
  });

  it('diskSpaceCheck: accepts equal thresholds and thresholds it cannot compare before reading the disk', () => {
    expect(() => diskSpaceCheck(tmpdir(), { minFree: '10%', warnFree: '10%' })).not.toThrow();
    expect(() => diskSpaceCheck(tmpdir(), { minFree: '1GiB', warnFree: '5%' })).not.toThrow();
    expect(() => diskSpaceCheck(tmpdir(), { minFree: '1GiB' })).not.toThrow();
    // The default warnFree (10 %) rises to a higher minFree instead of sitting below it.
    expect(() => diskSpaceCheck(tmpdir(), { minFree: '20%' })).not.toThrow();
  });

  it('diskSpaceCheck: a path that is not a non-empty string', () => {
    expect(rejection(() => diskSpaceCheck('')).message).toContain('diskSpaceCheck path');
    expect(rejection(() => diskSpaceCheck(42 as never)).message).toContain('diskSpaceCheck path');
  });

  it.each([
    ['a method that is not an HTTP token', { method: 'GET /' }, 'method'],
    ['headers that are not an object', { headers: 'x-api-key: 1' }, 'headers'],
    ['a header name fetch rejects', { headers: { 'x api key': 'k3y' } }, 'headers'],
  ])('httpCheck: %s', (_, options, option) => {
    expect(rejection(() => httpCheck('http://x.test/', options as never)).message).toContain(
      `option ${option}`,
    );
  });
});
