import { createServer } from 'node:http';
import type { HealthIndicator } from '@ballast/core';
import { ConfigurationError } from '@ballast/errors';
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

  it('lists the valid options when no key is close', () => {
    const error = rejection(() => createHealth({ verbose: true } as never));
    expect(error.message).toBe(
      'Unknown option createHealth.verbose: expected one of checks, timeout, cacheFor, service, clock, redact.',
    );
    expect(error.suggestions).toEqual(['Remove verbose.']);
  });

  it('never shows the value under an unknown key, which may be the secret itself', () => {
    const attempts = [
      () => createHealth({ pasword: 'S3CRET' } as never),
      () => createHealth({ checks: [{ name: 'pg', run: ok, password: 'S3CRET' } as never] }),
      () => redisCheck(redis, { client: { password: 'S3CRET' } } as never),
      () => gracefulShutdown(createServer(), { onShutdown: { run: ok, token: 'S3CRET' } } as never),
    ];
    for (const attempt of attempts) {
      const error = rejection(attempt);
      expect(error.message).toMatch(/^Unknown option /);
      expect(JSON.stringify({ error, text: String(error), stack: error.stack })).not.toContain('S3CRET');
    }
  });

  it('accepts a check that is a class instance with fields of its own', async () => {
    const db = { query: async () => 1 };
    class PgCheck {
      name = 'pg';
      critical = false;
      constructor(readonly pool: typeof db) {}
      async run(): Promise<void> {
        await this.pool.query();
      }
    }
    const health = createHealth({ checks: [new PgCheck(db)] });
    expect(health.names).toEqual(['pg']);
    expect((await health.check()).status).toBe('pass');
    await health.close();
  });

  it('still rejects an unknown key on a check written as a literal, with or without a prototype', () => {
    expect(
      rejection(() => createHealth({ checks: [{ name: 'pg', run: ok, pool: {} } as never] })).message,
    ).toMatch(/^Unknown option checks\["pg"\]\.pool: expected one of name, run, /);
    const bare = Object.assign(Object.create(null), { name: 'pg', run: ok, critcal: false });
    expect(rejection(() => createHealth({ checks: [bare] })).message).toContain(
      'Unknown option checks["pg"].critcal (did you mean critical?)',
    );
  });

  it('accepts a shutdown hook that is a class instance with fields of its own', async () => {
    const flushed: string[] = [];
    class FlushHook {
      name = 'flush';
      constructor(readonly queue: string[]) {}
      run(): void {
        this.queue.push('flushed');
      }
    }
    const exit = (): void => {};
    const shutdown = gracefulShutdown(createServer(), {
      signals: [],
      exit,
      onShutdown: new FlushHook(flushed),
    });
    expect(() =>
      gracefulShutdown(createServer(), { signals: [], exit, onShutdown: { run: ok, queue: [] } as never }),
    ).toThrow('Unknown option onShutdown["hook #1"].queue');
    await shutdown.shutdown('test');
    expect(flushed).toEqual(['flushed']);
  });

  it('names a hook whose name is not a string without throwing a TypeError', () => {
    const error = rejection(() =>
      gracefulShutdown(createServer(), { onShutdown: { name: 10n, run: ok, timout: '1s' } } as never),
    );
    expect(error.message).toContain('Unknown option onShutdown["10"].timout (did you mean timeout?)');
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
