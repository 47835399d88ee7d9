import { ManualClock } from '@ballast/core/testing';
import { createLogger } from '@ballast/logger';
import { describe, expect, it } from 'vitest';
import { createSampler } from '../src/noise.js';
import { memorySink } from './helpers.js';

function setup(options: Parameters<typeof createLogger>[0]) {
  const sink = memorySink();
  const clock = new ManualClock();
  const logger = createLogger({ sinks: [sink], base: null, timestamp: false, clock, ...options });
  return { sink, logger, clock };
}

describe('dedupe', () => {
  it('folds identical warn+ lines inside the window and reports the count on the next emission', async () => {
    const { sink, logger, clock } = setup({ dedupe: { window: '10s' } });
    for (let i = 0; i < 5; i++) logger.error('db down');
    logger.error('other');
    logger.info('info is never folded');
    logger.info('info is never folded');
    await clock.advance(10_000);
    logger.error('db down');
    logger.error('db down');
    expect(sink.lines).toEqual([
      { level: 'error', msg: 'db down' },
      { level: 'error', msg: 'other' },
      { level: 'info', msg: 'info is never folded' },
      { level: 'info', msg: 'info is never folded' },
      { level: 'error', msg: 'db down', repeated: 4 },
    ]);
  });

  it('reports folded lines still pending on flush', async () => {
    const { sink, logger } = setup({ dedupe: { window: '1m' } });
    logger.warn({ host: 'a' }, 'slow');
    logger.warn({ host: 'a' }, 'slow');
    logger.warn({ host: 'b' }, 'slow');
    await logger.flush();
    await logger.flush();
    expect(sink.lines).toEqual([
      { level: 'warn', host: 'a', msg: 'slow' },
      { level: 'warn', host: 'b', msg: 'slow' },
      { level: 'warn', host: 'a', msg: 'slow', repeated: 1 },
    ]);
  });

  it('forgets old entries when it tracks too many distinct lines', async () => {
    const { sink, logger, clock } = setup({ dedupe: { window: 1 } });
    for (let i = 0; i < 10_001; i++) logger.warn({ i }, 'x');
    await clock.advance(5);
    logger.warn({ i: 0 }, 'x');
    logger.warn({ i: 0 }, 'x');
    expect(sink.raw).toHaveLength(10_002);
  });
});

describe('sampling', () => {
  it('keeps the configured share of each level, evenly spread, and all of unsampled levels', () => {
    const { sink, logger } = setup({ level: 'debug', sampling: { debug: 0.25, info: 0, error: 1 } });
    for (let i = 0; i < 8; i++) logger.debug({ i }, 'd');
    logger.info('never');
    logger.warn('always');
    logger.error('always');
    expect(sink.lines.map((l) => l.i ?? l.msg)).toEqual([3, 7, 'always', 'always']);
  });

  it('is off when every rate is 1', () => {
    expect(createSampler({ info: 1 })).toBeUndefined();
    expect(createSampler(undefined)).toBeUndefined();
  });
});
