import { createServer } from 'node:http';
import type { HealthIndicator } from '@ballast/core';
import { ConfigurationError } from '@ballast/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createHealth,
  diskSpaceCheck,
  eventLoopLagCheck,
  gracefulShutdown,
  healthHandler,
  httpCheck,
  memoryCheck,
  pingCheck,
  redisCheck,
  renderDoctor,
} from '../src/index.js';
import { editDistance } from '../src/internal/options.js';

const ok = (): boolean => true;
const redis = { ping: async () => 'PONG' };

/** Runs `create` and returns the ConfigurationError it throws. */
function rejection(create: () => unknown): InstanceType<typeof ConfigurationError> {
  try {
    create();
  } catch (error) {
    expect(ConfigurationError.is(error)).toBe(true);
    return error as InstanceType<typeof ConfigurationError>;
  }
  throw new Error('expected a ConfigurationError');
}

describe('unknown options', () => {
  const typos: [string, () => unknown, string, string][] = [
    ['createHealth', () => createHealth({ timout: '1s' } as never), 'createHealth.timout', 'timeout'],
    [
      'createHealth service',
      () => createHealth({ service: { name: 'api', verison: '1' } } as never),
      'createHealth.service.verison',
      'version',
    ],
    [
      'a check in createHealth',
      () => createHealth({ checks: [{ name: 'x', run: ok, critcal: false } as never] }),
      'checks["x"].critcal',
      'critical',
    ],
    [
      'a registered check',
      () => createHealth().register({ name: 'x', run: ok, kind: ['liveness'] } as never),
      'checks["x"].kind',
      'kinds',
    ],
    [
      'healthHandler',
      () => healthHandler(createHealth(), { showDetail: 'always' } as never),
      'healthHandler.showDetail',
      'showDetails',
    ],
    [
      'gracefulShutdown',
      () => gracefulShutdown(createServer(), { preStopDelai: '5s' } as never),
      'gracefulShutdown.preStopDelai',
      'preStopDelay',
    ],
    [
      'a shutdown hook',
      () =>
        gracefulShutdown(createServer(), { onShutdown: { name: 'flush', run: ok, timout: '1s' } } as never),
      'onShutdown["flush"].timout',
      'timeout',
    ],
    [
      'a hook added later',
      () => gracefulShutdown(createServer(), { signals: [] }).onShutdown({ run: ok, tiemout: '1s' } as never),
      'onShutdown["hook #1"].tiemout',
      'timeout',
    ],
    [
      'renderDoctor',
      () => renderDoctor({ status: 'pass', checks: {} }, { verbos: true } as never),
      'renderDoctor.verbos',
      'verbose',
    ],
    [
      'redisCheck',
      () => redisCheck(redis, { warnLatancy: '50ms' } as never),
      'redisCheck.warnLatancy',
      'warnLatency',
    ],
    [
      'httpCheck',
      () => httpCheck('http://x.test/', { expectedStatus: 200 } as never),
      'httpCheck.expectedStatus',
      'expectStatus',
    ],
    [
      'diskSpaceCheck',
      () => diskSpaceCheck('/', { minfree: '1GiB' } as never),
      'diskSpaceCheck.minfree',
      'minFree',
    ],
    ['memoryCheck', () => memoryCheck({ maxRSS: '1GiB' } as never), 'memoryCheck.maxRSS', 'maxRss'],
    ['eventLoopLagCheck', () => eventLoopLagCheck({ mx: '1s' } as never), 'eventLoopLagCheck.mx', 'max'],
    ['pingCheck', () => pingCheck('db', ok, { critcal: false } as never), 'pingCheck.critcal', 'critical'],
  ];

  it.each(typos)(
    'rejects a misspelt %s option, naming it and the likely intended one',
    (_, create, option, intended) => {
      const error = rejection(create);
      expect(error.message).toContain(`Unknown option ${option} (did you mean ${intended}?)`);
      expect(error.details).toMatchObject({ option, intended });
      expect(error.suggestions).toEqual([`Rename ${option.split('.').pop()} to ${intended}.`]);
    },
  );

  it('lists the valid options when no key is close, and never shows the value', () => {
    const error = rejection(() => createHealth({ verbose: 'hunter2' } as never));
    expect(error.message).toBe(
      'Unknown option createHealth.verbose: createHealth accepts checks, timeout, cacheFor, service, clock, redact.',
    );
    expect(error.suggestions).toEqual(['Remove verbose, or use one of the options createHealth accepts.']);
    expect(JSON.stringify(error.details)).not.toContain('hunter2');
  });

  it('explains a positional argument passed as an option', () => {
    expect(rejection(() => pingCheck('db', ok, { name: 'db' } as never)).message).toContain(
      "the name is pingCheck's first argument",
    );
    expect(rejection(() => diskSpaceCheck('/', { path: '/data' } as never)).message).toContain(
      "the path is diskSpaceCheck's first argument",
    );
    expect(rejection(() => redisCheck(redis, { client: redis } as never)).message).toContain(
      "the client is redisCheck's first argument",
    );
    expect(
      rejection(() => httpCheck('http://x.test/', { url: 'http://y.test/' } as never)).message,
    ).toContain("the URL is httpCheck's first argument");
  });

  it('rejects a check that has both run and check', () => {
    const error = rejection(() =>
      createHealth({ checks: [{ name: 'x', run: ok, check: async () => ({ status: 'pass' }) } as never] }),
    );
    expect(error.message).toContain('checks["x"].check');
    expect(error.message).toContain('not both');
  });

  it('rejects options that are not an object', () => {
    expect(rejection(() => createHealth('fast' as never)).message).toContain('Invalid option createHealth');
    expect(rejection(() => healthHandler(createHealth(), null as never)).message).toContain('healthHandler');
    expect(rejection(() => memoryCheck([] as never)).message).toContain('memoryCheck');
  });

  it('accepts every documented key, and leaves the other members of a HealthIndicator alone', async () => {
    const breaker: HealthIndicator & Record<string, unknown> = {
      name: 'circuit:payments',
      state: 'closed',
      execute: ok,
      isolate: ok,
      check: async () => ({ status: 'pass' }),
    };
    const health = createHealth({
      checks: [
        breaker,
        { name: 'cache', check: async () => ({ status: 'pass' }), critical: false, interval: '1m' },
        {
          name: 'full',
          run: ok,
          critical: false,
          kinds: ['liveness'],
          timeout: '1s',
          interval: '1m',
          cacheFor: '1s',
          componentType: 'component',
          measurement: 'responseTime',
          observedUnit: 'ms',
          close: () => {},
        },
      ],
      timeout: '1s',
      cacheFor: 0,
      service: { name: 'api', version: '1', releaseId: 'abc' },
      redact: (value) => value,
    });
    expect(health.names).toEqual(['circuit:payments', 'cache', 'full']);
    expect((await health.check()).status).toBe('pass');
    await health.close();
    expect(() => healthHandler(health, { basePath: '/h', showDetails: 'never' })).not.toThrow();
    const lag = eventLoopLagCheck({ max: '1s', warn: '500ms', resolution: 10, name: 'lag', critical: false });
    lag.close?.();
    expect(() =>
      httpCheck('http://x.test/', { expectStatus: 200, method: 'HEAD', headers: {}, kinds: ['readiness'] }),
    ).not.toThrow();
    expect(() => renderDoctor({ status: 'pass', checks: {} }, { color: false, verbose: true })).not.toThrow();
  });
});

describe('editDistance', () => {
  it('is a metric: zero only for equal strings, symmetric, and at most the longer length', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const d = editDistance(a, b);
        expect(d === 0).toBe(a === b);
        expect(editDistance(b, a)).toBe(d);
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
    );
  });

  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('tiemout', 'timeout')).toBe(1);
    expect(editDistance('timout', 'timeout')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });
});
