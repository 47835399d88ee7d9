import type { HealthIndicator } from '@ballast/core';
import { ManualClock } from '@ballast/core/testing';
import { ConfigurationError, UnavailableError, ValidationError } from '@ballast/errors';
import { createRedactor } from '@ballast/redact';
import { describe, expect, it } from 'vitest';
import { createHealth, type HealthCheck } from '../src/index.js';

function counter(outcome: HealthCheck['run'] = () => undefined) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    run: (signal: AbortSignal) => {
      calls++;
      return outcome(signal);
    },
  };
}

describe('createHealth: results', () => {
  it('reads void and true as pass, false as fail, and keeps a returned HealthResult', async () => {
    const health = createHealth({
      checks: [
        { name: 'void', run: () => undefined },
        { name: 'true', run: async () => true },
        { name: 'false', run: () => false, critical: false },
        {
          name: 'result',
          run: () => ({ status: 'warn', output: 'slow', observedValue: 42 }),
          observedUnit: 'ms',
        },
      ],
    });
    const report = await health.check();
    expect(report.status).toBe('warn');
    expect(report.checks.void?.[0]?.status).toBe('pass');
    expect(report.checks.true?.[0]?.status).toBe('pass');
    expect(report.checks.false?.[0]).toMatchObject({ status: 'fail', critical: false });
    expect(report.checks.result?.[0]).toMatchObject({
      status: 'warn',
      output: 'slow',
      observedValue: 42,
      observedUnit: 'ms',
    });
    expect(report.output).toBe('false: fail, result: warn');
  });

  it('fails a check that returns something that is not a result', async () => {
    const health = createHealth({ checks: [{ name: 'odd', run: () => ({ status: 'ok' }) as never }] });
    const entry = (await health.check()).checks.odd?.[0];
    expect(entry?.status).toBe('fail');
    expect(entry?.output).toContain('invalid result (status "ok")');
    const other = createHealth({ checks: [{ name: 'n', run: () => 7 as never }] });
    expect((await other.check()).checks.n?.[0]?.output).toContain('number 7');
    const nil = createHealth({ checks: [{ name: 'n', run: () => null as never }] });
    expect((await nil.check()).checks.n?.[0]?.output).toContain('(null)');
  });

  it('fails a throwing check with the error message, suggestions and details', async () => {
    const health = createHealth({
      checks: [
        {
          name: 'db',
          run: () => {
            throw new UnavailableError('database refused the connection', {
              suggestions: ['Start the database.', 'Check DATABASE_URL.'],
              details: { host: 'db.internal' },
            });
          },
        },
        { name: 'plain', critical: false, run: () => Promise.reject(new Error('boom')) },
        { name: 'string', critical: false, run: () => Promise.reject('bad') },
        { name: 'nameless', critical: false, run: () => Promise.reject(new TypeError('')) },
        {
          name: 'refused',
          critical: false,
          run: () => {
            const error = new Error('connect ECONNREFUSED 127.0.0.1:5432');
            throw Object.assign(error, {
              code: 'ECONNREFUSED',
              syscall: 'connect',
              address: '127.0.0.1',
              port: 5432,
            });
          },
        },
      ],
    });
    const report = await health.check();
    expect(report.status).toBe('fail');
    expect(report.checks.db?.[0]).toMatchObject({
      status: 'fail',
      output: 'database refused the connection',
      suggestion: 'Start the database. Check DATABASE_URL.',
      details: { host: 'db.internal' },
    });
    expect(report.checks.plain?.[0]?.output).toBe('boom');
    expect(report.checks.string?.[0]?.output).toBe('bad');
    expect(report.checks.nameless?.[0]?.output).toBe('An internal error occurred');
    const refused = report.checks.refused?.[0];
    expect(refused?.output).toContain('ECONNREFUSED');
    expect(refused?.details).toMatchObject({ code: 'ECONNREFUSED', port: 5432 });
    expect(refused?.suggestion).toBeDefined();
  });

  it('redacts credentials in output and secret-named details once per run', async () => {
    const health = createHealth({
      checks: [
        {
          name: 'redis',
          run: () => ({
            status: 'fail',
            output: 'cannot reach redis://admin:hunter2@10.0.0.1:6379 with Bearer 4eC39HqLyjWDarjtT1zdp7dc',
            details: { password: 'hunter2', nested: [{ url: 'https://u:p@x.test/' }] },
          }),
        },
      ],
    });
    const entry = (await health.check()).checks.redis?.[0];
    expect(entry?.output).toBe('cannot reach redis://admin:[REDACTED]@10.0.0.1:6379 with Bearer [REDACTED]');
    expect(entry?.details).toEqual({
      password: '[REDACTED]',
      nested: [{ url: 'https://u:[REDACTED]@x.test/' }],
    });
    expect(JSON.stringify(entry)).not.toContain('hunter2');
  });

  it('redacts a string observedValue and the strings inside an object or array one', async () => {
    const health = createHealth({
      checks: [
        {
          name: 'cache',
          run: () => ({ status: 'warn', observedValue: 'redis://default:pw123456@cache:6379' }),
        },
        {
          name: 'pool',
          critical: false,
          run: () => ({
            status: 'pass',
            observedValue: { password: 'hunter2', urls: ['postgres://app:s3cr3t@db:5432/app'] } as never,
          }),
        },
        { name: 'latency', critical: false, run: () => ({ status: 'pass', observedValue: 12 }) },
        { name: 'up', critical: false, run: () => ({ status: 'pass', observedValue: true }) },
      ],
    });
    const report = await health.check();
    expect(report.checks.cache?.[0]?.observedValue).toBe('redis://default:[REDACTED]@cache:6379');
    expect(report.checks.pool?.[0]?.observedValue).toEqual({
      password: '[REDACTED]',
      urls: ['postgres://app:[REDACTED]@db:5432/app'],
    });
    expect(report.checks.latency?.[0]?.observedValue).toBe(12);
    expect(report.checks.up?.[0]?.observedValue).toBe(true);
    const json = JSON.stringify(report);
    for (const secret of ['pw123456', 'hunter2', 's3cr3t']) expect(json).not.toContain(secret);
  });

  it('redacts suggestions, including those of a thrown error', async () => {
    const health = createHealth({
      checks: [
        {
          name: 'db',
          run: () => ({ status: 'fail', suggestion: 'Try psql postgres://app:s3cr3t@db:5432/app by hand.' }),
        },
        {
          name: 'api',
          run: () => {
            throw new UnavailableError('the API is down', {
              suggestions: ['Retry with Authorization: Bearer 4eC39HqLyjWDarjtT1zdp7dc'],
            });
          },
        },
      ],
    });
    const report = await health.check();
    expect(report.checks.db?.[0]?.suggestion).toBe('Try psql postgres://app:[REDACTED]@db:5432/app by hand.');
    expect(report.checks.api?.[0]?.suggestion).toBe('Retry with Authorization: Bearer [REDACTED]');
  });

  it('redacts with the @ballast/redact defaults, not a narrowed set', async () => {
    const samples = [
      'redis://default:pw123456@cache:6379',
      'Authorization: Bearer 4eC39HqLyjWDarjtT1zdp7dc',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      'AKIAIOSFODNN7EXAMPLE',
      'card 4111 1111 1111 1111',
      'password: hunter22 token=abc123xyz',
    ];
    const defaults = createRedactor();
    const health = createHealth({
      checks: samples.map((sample, i) => ({
        name: `c${i}`,
        run: () => ({ status: 'warn' as const, output: sample, observedValue: sample }),
      })),
    });
    const report = await health.check();
    samples.forEach((sample, i) => {
      const entry = report.checks[`c${i}`]?.[0];
      expect(entry?.output).toBe(defaults(sample));
      expect(entry?.observedValue).toBe(defaults(sample));
    });
  });

  it('uses a custom redactor when given one', async () => {
    const health = createHealth({
      redact: () => ({ output: 'hidden' }),
      checks: [{ name: 'a', run: () => ({ status: 'pass', output: 'secret' }) }],
    });
    expect((await health.check()).checks.a?.[0]?.output).toBe('hidden');
  });

  it('fills the IETF service fields, keys checks by component:measurement and records time and duration', async () => {
    const clock = new ManualClock({ now: Date.UTC(2026, 0, 1) });
    const health = createHealth({
      clock,
      service: { name: 'api', version: '2', releaseId: 'abc123' },
      checks: [
        {
          name: 'redis',
          measurement: 'responseTime',
          componentType: 'datastore',
          observedUnit: 'ms',
          run: async () => {
            await clock.sleep(15);
            return { status: 'pass', observedValue: 15 };
          },
        },
      ],
    });
    const pending = health.check();
    await clock.advance(15);
    const report = await pending;
    expect(report).toEqual({
      status: 'pass',
      serviceId: 'api',
      description: 'health of api',
      version: '2',
      releaseId: 'abc123',
      checks: {
        'redis:responseTime': [
          {
            componentId: 'redis',
            componentType: 'datastore',
            observedValue: 15,
            observedUnit: 'ms',
            status: 'pass',
            time: '2026-01-01T00:00:00.015Z',
            duration: 15,
            critical: true,
          },
        ],
      },
    });
  });

  it('accepts a core HealthIndicator as a check', async () => {
    const indicator: HealthIndicator = {
      name: 'cache:l2',
      check: async () => ({ status: 'warn', output: 'circuit half-open' }),
    };
    const health = createHealth({ checks: [indicator] });
    const report = await health.check('readiness');
    expect(report.status).toBe('warn');
    expect(report.checks['cache:l2']?.[0]?.output).toBe('circuit half-open');
  });
});

describe('createHealth: timeouts, caching and polling', () => {
  it('fails a check that outlives its timeout and aborts its signal', async () => {
    const clock = new ManualClock();
    let seen: AbortSignal | undefined;
    const health = createHealth({
      clock,
      checks: [
        {
          name: 'hang',
          run: (signal) => {
            seen = signal;
            return new Promise(() => {});
          },
        },
      ],
    });
    const pending = health.check();
    await clock.advance(1999);
    expect(seen?.aborted).toBe(false);
    await clock.advance(1);
    const entry = (await pending).checks.hang?.[0];
    expect(entry).toMatchObject({ status: 'fail', output: 'timed out after 2000 ms', duration: 2000 });
    expect(entry?.suggestion).toContain('raise its timeout');
    expect(seen?.aborted).toBe(true);
    expect((seen!.reason as Error).name).toBe('TimeoutError');
  });

  it('uses a per-check timeout over the registry default', async () => {
    const clock = new ManualClock();
    const health = createHealth({
      clock,
      timeout: '10s',
      checks: [{ name: 'quick', timeout: 250, run: () => new Promise(() => {}) }],
    });
    const pending = health.check();
    await clock.advance(250);
    expect((await pending).checks.quick?.[0]?.output).toBe('timed out after 250 ms');
    expect(clock.pendingTimers).toBe(0);
  });

  it('shares one in-flight run between concurrent callers', async () => {
    const clock = new ManualClock();
    const probe = counter(() => clock.sleep(100));
    const health = createHealth({ clock, checks: [{ name: 'slow', run: probe.run }] });
    const first = health.check();
    const second = health.check('readiness');
    const third = health.checkOne('slow');
    await clock.advance(100);
    await Promise.all([first, second, third]);
    expect(probe.calls).toBe(1);
  });

  it('reuses a result for cacheFor, then runs again', async () => {
    const clock = new ManualClock();
    const probe = counter();
    const health = createHealth({ clock, cacheFor: '5s', checks: [{ name: 'a', run: probe.run }] });
    await health.check();
    await clock.advance(4999);
    await health.check();
    expect(probe.calls).toBe(1);
    await clock.advance(1);
    await health.check();
    expect(probe.calls).toBe(2);
  });

  it('runs every probe when cacheFor is 0 (the default)', async () => {
    const probe = counter();
    const health = createHealth({ checks: [{ name: 'a', run: probe.run }] });
    await health.check();
    await health.check();
    expect(probe.calls).toBe(2);
  });

  it('polls a check with an interval in the background and answers from the last result', async () => {
    const clock = new ManualClock();
    let status: 'pass' | 'fail' = 'pass';
    const probe = counter(() => ({ status }));
    const health = createHealth({ clock, checks: [{ name: 'poll', interval: '1s', run: probe.run }] });
    expect(probe.calls).toBe(1);
    await clock.advance(0);
    expect((await health.check()).status).toBe('pass');
    expect(probe.calls).toBe(1);
    status = 'fail';
    expect((await health.check()).status).toBe('pass');
    await clock.advance(1000);
    expect(probe.calls).toBe(2);
    expect((await health.check()).status).toBe('fail');
    await clock.advance(3000);
    expect(probe.calls).toBe(5);
    await health.close();
    expect(clock.pendingTimers).toBe(0);
    await clock.advance(5000);
    expect(probe.calls).toBe(5);
  });

  it('reuses one report while polled results are unchanged, and builds a new one after a run', async () => {
    const clock = new ManualClock();
    const health = createHealth({ clock, checks: [{ name: 'poll', interval: 1000, run: () => true }] });
    await clock.advance(0);
    const first = await health.check('readiness');
    expect(await health.check('readiness')).toBe(first);
    await clock.advance(1000);
    const next = await health.check('readiness');
    expect(next).not.toBe(first);
    expect(next).toEqual({
      ...first,
      checks: { poll: [{ ...first.checks.poll![0]!, time: next.checks.poll![0]!.time }] },
    });
    await health.close();
  });

  it('does not start a second polled run while one is still in flight', async () => {
    const clock = new ManualClock();
    const probe = counter(() => clock.sleep(2500));
    const health = createHealth({
      clock,
      timeout: '10s',
      checks: [{ name: 'poll', interval: 1000, run: probe.run }],
    });
    await clock.advance(2000);
    expect(probe.calls).toBe(1);
    await clock.advance(1000);
    expect(probe.calls).toBe(2);
    await health.close();
  });

  it('waits for the first polled run when a probe comes before it finished', async () => {
    const clock = new ManualClock();
    const health = createHealth({
      clock,
      checks: [{ name: 'poll', interval: 1000, run: () => clock.sleep(10).then(() => false) }],
    });
    const pending = health.check();
    await clock.advance(10);
    expect((await pending).status).toBe('fail');
    await health.close();
  });

  it('closes checks that hold resources, once', async () => {
    let closes = 0;
    const health = createHealth({
      checks: [
        {
          name: 'a',
          run: () => undefined,
          close: () => {
            closes++;
          },
        },
      ],
    });
    await health.close();
    await health[Symbol.asyncDispose]();
    expect(closes).toBe(1);
  });

  it('never closes a registered HealthIndicator, whose close belongs to its owner', async () => {
    let closes = 0;
    const indicator = {
      name: 'cache',
      check: async () => ({ status: 'pass' as const }),
      close: () => {
        closes++;
      },
    };
    const health = createHealth({ checks: [indicator] });
    await health.close();
    expect(closes).toBe(0);
  });

  it('does not start polling for a check registered after close', async () => {
    const clock = new ManualClock();
    const health = createHealth({ clock });
    await health.close();
    const probe = counter();
    health.register({ name: 'late', interval: 1000, run: probe.run });
    await clock.advance(5000);
    expect(probe.calls).toBe(0);
  });

  it('stops waiting when the caller aborts, while the shared run carries on', async () => {
    const clock = new ManualClock();
    const probe = counter(() => clock.sleep(100));
    const health = createHealth({ clock, checks: [{ name: 'slow', run: probe.run }] });
    const controller = new AbortController();
    const abandoned = health.check(undefined, { signal: controller.signal });
    const kept = health.check(undefined, { signal: new AbortController().signal });
    controller.abort(new Error('client went away'));
    await expect(abandoned).rejects.toThrow('client went away');
    await clock.advance(100);
    expect((await kept).status).toBe('pass');
    expect(probe.calls).toBe(1);
    await expect(health.check(undefined, { signal: controller.signal })).rejects.toThrow('client went away');
    await expect(health.checkOne('slow', { signal: controller.signal })).rejects.toThrow('client went away');
  });
});

describe('createHealth: kinds', () => {
  it('runs only liveness checks for liveness, so a dependency outage never restarts the pod', async () => {
    const redis = counter(() => false);
    const loop = counter();
    const health = createHealth({
      checks: [
        { name: 'redis', run: redis.run },
        { name: 'loop', kinds: ['liveness', 'readiness'], run: loop.run },
      ],
    });
    const live = await health.check('liveness');
    expect(live.status).toBe('pass');
    expect(Object.keys(live.checks)).toEqual(['loop']);
    expect(redis.calls).toBe(0);
    expect((await health.check('readiness')).status).toBe('fail');
  });

  it('passes liveness with no liveness checks', async () => {
    const health = createHealth({ checks: [{ name: 'redis', run: () => false }] });
    expect(await health.check('liveness')).toEqual({ status: 'pass', checks: {} });
  });

  it('fails readiness as soon as shutdown begins, without running checks', async () => {
    const probe = counter();
    const health = createHealth({ service: { version: '1' }, checks: [{ name: 'a', run: probe.run }] });
    expect((await health.check('readiness')).status).toBe('pass');
    expect(health.shuttingDown).toBe(false);
    health.beginShutdown();
    expect(health.shuttingDown).toBe(true);
    expect(await health.check('readiness')).toEqual({
      status: 'fail',
      version: '1',
      output: 'the service is shutting down',
      checks: {},
    });
    expect(probe.calls).toBe(1);
    expect((await health.check('liveness')).status).toBe('pass');
  });

  it('answers startup from the readiness checks when no check is of kind startup', async () => {
    let warm = false;
    const health = createHealth({
      checks: [
        { name: 'cache warm-up', run: () => warm },
        { name: 'process', kinds: ['liveness'], run: () => false },
      ],
    });
    const first = await health.check('startup');
    expect(first.status).toBe('fail');
    expect(Object.keys(first.checks ?? {})).toEqual(['cache warm-up']);
    warm = true;
    expect((await health.check('startup')).status).toBe('pass');
    warm = false;
    expect((await health.check('startup')).status).toBe('pass');
    expect((await health.check('readiness')).status).toBe('fail');
  });

  it('passes startup for good once it has passed once', async () => {
    let ready = false;
    const probe = counter(() => ready);
    const health = createHealth({ checks: [{ name: 'migrations', kinds: ['startup'], run: probe.run }] });
    expect((await health.check('startup')).status).toBe('fail');
    ready = true;
    expect((await health.check('startup')).status).toBe('pass');
    ready = false;
    expect((await health.check('startup')).status).toBe('pass');
    expect(probe.calls).toBe(2);
    expect((await health.check()).status).toBe('fail');
  });

  it('reports one check by name, and undefined for an unknown name', async () => {
    const health = createHealth({
      checks: [
        { name: 'a', run: () => false },
        { name: 'b', run: () => true },
      ],
    });
    const one = await health.checkOne('b');
    expect(one?.status).toBe('pass');
    expect(Object.keys(one?.checks ?? {})).toEqual(['b']);
    expect(await health.checkOne('nope')).toBeUndefined();
  });

  it('rejects an unknown kind with a ValidationError that names the kinds and the likely one', async () => {
    const health = createHealth({ checks: [{ name: 'a', run: () => true }] });
    const typo = health.check('readyness' as never);
    await expect(typo).rejects.toBeInstanceOf(ValidationError);
    await expect(typo).rejects.toThrow(
      `Invalid kind for health.check(): got "readyness"; expected 'liveness', 'readiness', 'startup' or nothing for every check. Did you mean 'readiness'?`,
    );
    await expect(health.check(7 as never)).rejects.toThrow(/got number; expected 'liveness'/);
    await expect(health.check('all' as never)).rejects.toThrow(/got "all"; expected/);
  });
});

describe('createHealth: registry', () => {
  it('registers and unregisters checks', async () => {
    const clock = new ManualClock();
    const health = createHealth({ clock });
    const probe = counter();
    const off = health.register({ name: 'a', interval: 1000, run: probe.run });
    expect(health.names).toEqual(['a']);
    await clock.advance(0);
    off();
    off();
    expect(health.names).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
    const again = health.register({ name: 'a', run: probe.run });
    off();
    expect(health.names).toEqual(['a']);
    again();
  });

  it('emits change when a check status changes', async () => {
    let ok = true;
    const health = createHealth({ checks: [{ name: 'a', run: () => ok }] });
    await health.check();
    const changes: unknown[] = [];
    health.on('change', (change) => changes.push(change));
    await health.check();
    ok = false;
    await health.check();
    await health.check();
    expect(changes).toEqual([
      { name: 'a', previous: 'pass', status: 'fail', output: 'the check reported a failure' },
    ]);
  });

  const ok = (): boolean => true;
  const invalid: [string, unknown, RegExp][] = [
    [
      'a duplicate name',
      {
        checks: [
          { name: 'a', run: ok },
          { name: 'a', run: ok },
        ],
      },
      /Duplicate/,
    ],
    ['a negative timeout', { timeout: -1 }, /timeout/],
    ['a zero timeout', { timeout: 0 }, /above zero/],
    ['a bad cacheFor', { cacheFor: 'soon' }, /cacheFor/],
    ['a negative check timeout', { checks: [{ name: 'a', run: ok, timeout: -5 }] }, /checks\["a"\]\.timeout/],
    ['a zero interval', { checks: [{ name: 'a', run: ok, interval: 0 }] }, /interval/],
    ['a bad check cacheFor', { checks: [{ name: 'a', run: ok, cacheFor: '1y' }] }, /cacheFor/],
    ['an unknown kind', { checks: [{ name: 'a', run: ok, kinds: ['ready'] }] }, /kinds/],
    ['no kinds', { checks: [{ name: 'a', run: ok, kinds: [] }] }, /kinds/],
    ['a non-boolean critical', { checks: [{ name: 'a', run: ok, critical: 'yes' }] }, /critical/],
    ['a missing run', { checks: [{ name: 'a' }] }, /run/],
    ['an empty name', { checks: [{ name: ' ', run: ok }] }, /check\.name/],
    ['a non-object check', { checks: [null] }, /check/],
  ];
  it.each(invalid)('throws ConfigurationError for %s', (_, options, message) => {
    expect(() => createHealth(options as never)).toThrow(ConfigurationError);
    expect(() => createHealth(options as never)).toThrow(message);
  });
});
