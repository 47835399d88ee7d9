import type { Clock, TimerHandle } from '@ballast/core';
import { ManualClock } from '@ballast/core/testing';
import { describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  createErrorReporter,
  type ErrorReport,
  type ErrorReporterOptions,
  fingerprintError,
  InternalError,
  NetworkError,
  NotFoundError,
  RateLimitedError,
} from '../src/index.js';
import { rejection } from './rejection.js';

function setup(options: Partial<ErrorReporterOptions> = {}) {
  const clock = new ManualClock({ now: 1_000_000 });
  const sent: ErrorReport[] = [];
  const reporter = createErrorReporter({
    sink: (report) => {
      sent.push(report);
    },
    clock,
    ...options,
  });
  return { clock, sent, reporter };
}

const boom = () => new InternalError('Order 17 failed');

describe('createErrorReporter', () => {
  it('sends the first occurrence at once, serialized', () => {
    const { sent, reporter } = setup();
    const fingerprint = reporter.report(new NetworkError('connect ECONNREFUSED'), {
      context: { job: 'sync' },
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      kind: 'occurrence',
      message: 'NETWORK_ERROR: connect ECONNREFUSED',
      severity: 'warning',
      count: 1,
      firstSeen: 1_000_000,
      lastSeen: 1_000_000,
      fingerprint,
      code: 'NETWORK_ERROR',
      error: { name: 'NetworkError', message: 'connect ECONNREFUSED' },
      context: { job: 'sync' },
    });
  });

  it('folds repeats within the window into one summary with count and first/last seen', async () => {
    const { clock, sent, reporter } = setup({ dedupeWindow: '1m' });
    const throwSite = () => boom();
    reporter.report(throwSite());
    await clock.advance(1_000);
    reporter.report(throwSite(), { context: { n: 1 } });
    await clock.advance(1_000);
    reporter.report(throwSite(), { severity: 'fatal', context: { n: 2 } });
    await clock.advance(1_000);
    reporter.report(throwSite());
    expect(sent).toHaveLength(1);
    expect(reporter.stats()).toMatchObject({ reported: 4, sent: 1, folded: 3, active: 1 });
    await clock.advance(57_000);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toMatchObject({
      kind: 'summary',
      message: 'INTERNAL_ERROR repeated 3 times in 1m: Order 17 failed',
      severity: 'fatal',
      count: 3,
      firstSeen: 1_001_000,
      lastSeen: 1_003_000,
      fingerprint: sent[0]!.fingerprint,
    });
    expect(sent[1]).not.toHaveProperty('context');
    reporter.report(throwSite());
    expect(sent).toHaveLength(3);
    expect(sent[2]!.kind).toBe('occurrence');
  });

  it('sends no summary when nothing repeated, and every occurrence with a zero window', async () => {
    const quiet = setup();
    quiet.reporter.report(boom());
    await quiet.clock.advance(120_000);
    expect(quiet.sent).toHaveLength(1);
    const eager = setup({ dedupeWindow: 0 });
    eager.reporter.report(boom());
    eager.reporter.report(boom());
    expect(eager.sent.map((r) => r.kind)).toEqual(['occurrence', 'occurrence']);
  });

  it('groups by fingerprint: numbers and ids in messages do not split a group', () => {
    const { sent, reporter } = setup();
    const make = (id: string) => new NotFoundError(`User ${id} not found`);
    reporter.report(make('42'));
    reporter.report(make('7'));
    reporter.report(make('9f86d081884c7d659a2feaa0'));
    reporter.report(make('00000000deadbeef'));
    reporter.report(make('3f2a6c1e-8d7b-4e5f-9a0b-1c2d3e4f5a6b'));
    reporter.report(make('7d1c2b3a-0000-4e5f-9a0b-1c2d3e4f5a6b'));
    reporter.report(new NotFoundError('Other thing'));
    expect(sent.map((r) => r.message)).toEqual([
      'NOT_FOUND: User 42 not found',
      'NOT_FOUND: User 3f2a6c1e-8d7b-4e5f-9a0b-1c2d3e4f5a6b not found',
      'NOT_FOUND: Other thing',
    ]);
    expect(reporter.stats().folded).toBe(4);
  });

  it('suppresses storms beyond the rate limit with one "N suppressed" report', async () => {
    const { clock, sent, reporter } = setup({ rateLimit: { max: 2, per: '10s' }, dedupeWindow: 0 });
    for (let i = 0; i < 5; i++) reporter.report(new NotFoundError(`thing ${i} kind ${'x'.repeat(i)}`));
    reporter.report(new InternalError('other'), { severity: 'fatal' });
    expect(sent).toHaveLength(2);
    expect(reporter.stats().suppressed).toBe(4);
    await clock.advance(10_000);
    expect(sent).toHaveLength(3);
    expect(sent[2]).toMatchObject({
      kind: 'suppressed',
      message: '4 error reports suppressed by the rate limit (2 per 10s)',
      severity: 'fatal',
      count: 4,
      firstSeen: 1_000_000,
      lastSeen: 1_000_000,
    });
    expect(sent[2]!.suppressed!.reduce((sum, s) => sum + s.count, 0)).toBe(4);
    expect(sent[2]!.suppressed!.find((s) => s.code === 'INTERNAL_ERROR')!.count).toBe(1);
  });

  it('retries the suppressed report when its slot is taken again', async () => {
    const { clock, sent, reporter } = setup({ rateLimit: { max: 1, per: 1000 }, dedupeWindow: 0 });
    reporter.report(new NotFoundError('a'));
    reporter.report(new NotFoundError('b'));
    await clock.advance(999);
    const timers = clock as unknown as { advance(ms: number): Promise<void> };
    // A report lands at the very moment the slot frees, ahead of the timer.
    await timers.advance(1);
    expect(sent.at(-1)!.kind).toBe('suppressed');
    reporter.report(new NotFoundError('c'));
    expect(sent.at(-1)!.kind).toBe('suppressed');
    await clock.advance(1000);
    expect(sent.map((r) => r.kind)).toEqual(['occurrence', 'suppressed', 'suppressed']);
  });

  it('folds summaries that hit the rate limit into the suppressed count', async () => {
    const { clock, sent, reporter } = setup({ rateLimit: { max: 1, per: '1m' }, dedupeWindow: '10s' });
    reporter.report(boom());
    reporter.report(boom());
    reporter.report(boom());
    await clock.advance(10_000);
    expect(sent).toHaveLength(1);
    await clock.advance(50_000);
    expect(sent[1]).toMatchObject({ kind: 'suppressed', count: 2, severity: 'error' });
  });

  it('drops silenced fingerprints and codes until the silence ends', async () => {
    const { clock, sent, reporter } = setup({ dedupeWindow: 0 });
    const fingerprint = fingerprintError(boom());
    reporter.silence(fingerprint, clock.now() + 1000);
    const undo = reporter.silence('NOT_FOUND', new Date(clock.now() + 5000));
    reporter.report(boom());
    reporter.report(new NotFoundError('x'));
    expect(sent).toHaveLength(0);
    expect(reporter.stats().silenced).toBe(2);
    await clock.advance(1000);
    reporter.report(boom());
    expect(sent).toHaveLength(1);
    undo();
    reporter.report(new NotFoundError('x'));
    expect(sent).toHaveLength(2);
    expect(() => reporter.silence('X', Number.NaN)).toThrow(ConfigurationError);
    const later = reporter.silence('Y', 5);
    reporter.silence('Y', 6);
    later();
    reporter.report(new InternalError('y'));
  });

  it('flush sends open summaries and the suppressed count, and waits for an async sink', async () => {
    const delivered: ErrorReport[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const clock = new ManualClock();
    const reporter = createErrorReporter({
      clock,
      rateLimit: { max: 2, per: '1h' },
      sink: async (report) => {
        await gate;
        delivered.push(report);
      },
    });
    reporter.report(boom());
    reporter.report(boom());
    reporter.report(new NotFoundError('a'));
    reporter.report(new RateLimitedError('b'));
    const flushed = reporter.flush();
    release();
    await flushed;
    expect(delivered.map((r) => [r.kind, r.count])).toEqual([
      ['occurrence', 1],
      ['occurrence', 1],
      ['suppressed', 2],
    ]);
    expect(reporter.stats()).toMatchObject({ reported: 4, sent: 3, suppressed: 2, active: 0 });
  });

  it('counts sink failures without throwing', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const reporter = createErrorReporter({
      clock,
      dedupeWindow: 0,
      sink: (report) => {
        calls++;
        if (report.code === 'NOT_FOUND') throw new Error('sink down');
        return Promise.reject(new Error('async sink down'));
      },
    });
    reporter.report(new NotFoundError('a'));
    reporter.report(boom());
    await reporter.flush();
    expect(calls).toBe(2);
    expect(reporter.stats().sinkErrors).toBe(2);
  });

  it('uses the severity option, and falls back to error when it throws', () => {
    const { sent, reporter } = setup({
      dedupeWindow: 0,
      severity: (err) => {
        if (err.code === 'NOT_FOUND') throw new Error('bad');
        return 'info';
      },
    });
    reporter.report(boom());
    reporter.report(new NotFoundError('x'));
    expect(sent.map((r) => r.severity)).toEqual(['info', 'error']);
    const defaults = setup({ dedupeWindow: 0 });
    defaults.reporter.report(new NotFoundError('x'));
    defaults.reporter.report(new ConfigurationError('x'));
    expect(defaults.sent.map((r) => r.severity)).toEqual(['info', 'error']);
  });

  it('redacts what it sends', () => {
    const { sent, reporter } = setup({
      redact: (value) => JSON.parse(JSON.stringify(value).replaceAll('hunter2', '[REDACTED]')),
    });
    reporter.report(new InternalError('login with hunter2 failed'));
    expect(JSON.stringify(sent)).not.toContain('hunter2');
    expect(sent[0]!.message).toBe('INTERNAL_ERROR: login with [REDACTED] failed');
  });

  it('close flushes, cancels timers and ignores later reports', async () => {
    const { clock, sent, reporter } = setup();
    reporter.report(boom());
    reporter.report(boom());
    await reporter[Symbol.asyncDispose]();
    expect(sent.map((r) => r.kind)).toEqual(['occurrence', 'summary']);
    reporter.report(boom());
    await reporter.close();
    await clock.advance(120_000);
    expect(sent).toHaveLength(2);
    expect(reporter.stats().reported).toBe(2);
  });

  it('works without a rate limit', async () => {
    const { sent, reporter } = setup({ rateLimit: false, dedupeWindow: 0 });
    for (let i = 0; i < 100; i++) reporter.report(boom());
    await reporter.flush();
    expect(sent).toHaveLength(100);
  });

  it('never throws from report, even for hostile values', () => {
    const { reporter } = setup();
    expect(
      typeof reporter.report(
        new Proxy(
          {},
          {
            get: () => {
              throw new Error('x');
            },
          },
        ),
      ),
    ).toBe('string');
  });
});

describe('createErrorReporter options', () => {
  const sink = () => {};
  const create = (options: Record<string, unknown>) => () => createErrorReporter(options as never);

  it('rejects an unknown option, naming the one it was probably meant to be', () => {
    const error = rejection(create({ sink, dedupWindow: 0 }));
    expect(error.message).toBe(
      'Unknown option createErrorReporter.dedupWindow (did you mean dedupeWindow?): ' +
        'expected one of sink, dedupeWindow, rateLimit, redact, clock, severity.',
    );
    expect(error.suggestions).toEqual(['Rename dedupWindow to dedupeWindow.']);
    expect(rejection(create({ sink, bogus: 1 })).message).toMatch(
      /^Unknown option createErrorReporter\.bogus:/,
    );
  });

  it('rejects an unknown rateLimit key and a rateLimit that is neither { max, per } nor false', () => {
    expect(rejection(create({ sink, rateLimit: { max: 2, per: '1m', burst: 5 } })).message).toMatch(
      /^Unknown option createErrorReporter\.rateLimit\.burst: expected one of max, per\./,
    );
    for (const rateLimit of [true, 30, 'often', [30, '1m']]) {
      expect(rejection(create({ sink, rateLimit })).message).toMatch(
        /^Invalid option createErrorReporter\.rateLimit: got .*; expected \{ max, per \}/,
      );
    }
  });

  it('rejects a clock without now, setTimeout and clearTimeout, which would drop every report', () => {
    for (const clock of [{}, 'system', { now: () => 0 }, { now: () => 0, setTimeout: () => ({}) }]) {
      const error = rejection(create({ sink, clock }));
      expect(error.message).toMatch(
        /^Invalid option createErrorReporter\.clock: got .*; expected a Clock with now\(\)/,
      );
      expect(error.details).toMatchObject({ option: 'createErrorReporter.clock' });
    }
    const real = new ManualClock();
    expect(() => createErrorReporter({ sink, clock: real })).not.toThrow();
  });

  it('rejects a severity that is not a function', () => {
    const error = rejection(create({ sink, severity: 'x' }));
    expect(error.message).toBe(
      'Invalid option createErrorReporter.severity: got "x"; ' +
        "expected a function (error) => 'fatal' | 'error' | 'warning' | 'info'.",
    );
  });

  it('rejects a sink that is not a function, and options that are not an object', () => {
    expect(rejection(create({ sink: 'nope' })).message).toBe(
      'Invalid option createErrorReporter.sink: got "nope"; expected a function receiving each report.',
    );
    expect(rejection(create({})).message).toMatch(/createErrorReporter\.sink: got undefined/);
    expect(rejection(() => createErrorReporter(undefined as never)).message).toMatch(
      /^Invalid option createErrorReporter: got undefined; expected an options object with a sink/,
    );
  });

  it('rejects every bad duration and count, naming the option and the value', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ dedupeWindow: 'soon' }, 'createErrorReporter.dedupeWindow: got "soon"'],
      [{ dedupeWindow: -1 }, 'createErrorReporter.dedupeWindow: got -1'],
      [{ dedupeWindow: Number.NaN }, 'createErrorReporter.dedupeWindow: got NaN'],
      [{ dedupeWindow: 1e300 }, 'createErrorReporter.dedupeWindow: got 1e+300'],
      [{ rateLimit: { max: 0, per: '1m' } }, 'createErrorReporter.rateLimit.max: got 0'],
      [{ rateLimit: { max: 1.5, per: '1m' } }, 'createErrorReporter.rateLimit.max: got 1.5'],
      [{ rateLimit: { max: '30', per: '1m' } }, 'createErrorReporter.rateLimit.max: got "30"'],
      [
        { rateLimit: { max: 1, per: 0 } },
        'createErrorReporter.rateLimit.per: got 0; expected a duration > 0',
      ],
      [{ rateLimit: { max: 1 } }, 'createErrorReporter.rateLimit.per: got undefined'],
      [{ rateLimit: { max: 1, per: 1e300 } }, 'createErrorReporter.rateLimit.per: got 1e+300'],
    ];
    for (const [options, message] of cases) {
      expect(rejection(create({ sink, ...options })).message).toContain(`Invalid option ${message}`);
    }
  });

  it('rejects a redact option of the wrong type without showing its value', () => {
    for (const redact of ['S3CRET-token', 42, null, ['password']]) {
      const error = rejection(create({ sink, redact }));
      expect(error.message).toMatch(
        /^Invalid option createErrorReporter\.redact: got (a string|a number|null|an array); expected true, false/,
      );
      expect(JSON.stringify({ error, message: error.message })).not.toContain('S3CRET');
    }
    // RedactOptions are checked by @ballast/redact, which names the key and hides its value.
    const unknown = rejection(create({ sink, redact: { pasword: 'S3CRET-pw' } }));
    expect(unknown.message).toContain('pasword');
    expect(unknown.message).not.toContain('S3CRET');
    // Every documented form of every option still passes.
    const clock = new ManualClock();
    const forms: ErrorReporterOptions[] = [
      { sink },
      { sink, clock, dedupeWindow: 0, rateLimit: false, redact: false, severity: () => 'info' },
      { sink, clock, dedupeWindow: '10s', rateLimit: { max: 1, per: 1 }, redact: true },
      { sink, clock, redact: { keys: ['ssn'] } },
      { sink, clock, redact: (value: unknown) => value },
    ];
    for (const options of forms) {
      expect(() => createErrorReporter(options)).not.toThrow();
    }
  });

  it('counts an unknown severity as not given, and a severity function result that is not one as error', () => {
    const { sent, reporter } = setup({ dedupeWindow: 0, severity: () => 'loud' as never });
    reporter.report(new NotFoundError('a'), { severity: 'urgent' as never });
    reporter.report(new NotFoundError('b'), { severity: 'fatal' });
    const byDefault = setup({ dedupeWindow: 0 });
    byDefault.reporter.report(new NetworkError('c'), { severity: 'x' as never });
    byDefault.reporter.report(new NetworkError('d'), null as never);
    expect(sent.map((r) => r.severity)).toEqual(['error', 'fatal']);
    expect(byDefault.sent.map((r) => r.severity)).toEqual(['warning', 'warning']);
  });

  it('works with a clock whose timer handles have no unref', async () => {
    const manual = new ManualClock();
    const bare: Clock = {
      setInterval: (callback, ms) => manual.setInterval(callback, ms),
      sleep: (ms, signal) => manual.sleep(ms, signal),
      now: () => manual.now(),
      setTimeout: (callback, ms) => {
        const handle = manual.setTimeout(callback, ms);
        return { id: handle } as never;
      },
      clearTimeout: (handle) => manual.clearTimeout((handle as unknown as { id: TimerHandle }).id),
    };
    const sent: ErrorReport[] = [];
    const reporter = createErrorReporter({
      sink: (report) => void sent.push(report),
      clock: bare,
      rateLimit: { max: 1, per: '1s' },
    });
    reporter.report(boom());
    reporter.report(boom());
    reporter.report(new NotFoundError('x'));
    expect(reporter.stats()).toMatchObject({ reported: 3, sent: 1, dropped: 0 });
    await manual.advance(60_000);
    expect(sent.map((r) => [r.kind, r.count])).toEqual([
      ['occurrence', 1],
      ['suppressed', 1],
      ['summary', 1],
    ]);
  });

  it('counts a report lost to a throwing clock instead of hiding it', () => {
    const clock = new ManualClock();
    const reporter = createErrorReporter({ sink, clock });
    clock.now = () => {
      throw new Error('clock broke');
    };
    expect(reporter.report(new Error('boom'))).toBe('');
    expect(reporter.stats()).toMatchObject({ reported: 1, sent: 0, dropped: 1 });
  });

  it('rejects a silence without a fingerprint or code', () => {
    const { reporter } = setup();
    for (const key of ['', 42, undefined]) {
      expect(rejection(() => reporter.silence(key as never, 5)).message).toMatch(
        /^Invalid option silence fingerprintOrCode: got .*; expected a fingerprint or an error code\./,
      );
    }
  });
});
