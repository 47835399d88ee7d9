import { describe, expect, it } from 'vitest';
import { normalizeError, serializeError } from '../src/index.js';
import { classifyRedis, SYSTEM_CODES } from '../src/internal/classify.js';
import { SlidingLog } from '../src/internal/sliding-log.js';

describe('system error codes', () => {
  it.each(Object.entries(SYSTEM_CODES))('%s has a category and actionable suggestions', (code, known) => {
    const err = normalizeError(
      Object.assign(new Error(`${code} happened`), { code, address: '10.0.0.1', port: 80 }),
    );
    expect(err.category).toBe(known.category);
    for (const suggestion of err.suggestions) expect(suggestion.length).toBeGreaterThan(10);
    if (known.category !== 'cancelled') expect(err.suggestions.length).toBeGreaterThan(0);
  });

  it('leaves non-Redis errors to the other rules', () => {
    expect(classifyRedis('Error', 'something else')).toBeUndefined();
    expect(classifyRedis('ReplyError', 'LOADING')?.suggestions('')[0]).toContain('Redis');
    expect(classifyRedis('ReplyError', 'NOAUTH')?.suggestions('')[0]).toContain('password');
  });
});

describe('SlidingLog', () => {
  it('admits at most max events in any interval and says when the next one fits', () => {
    const log = new SlidingLog(2, 1000);
    expect(log.tryTake(0)).toBe(true);
    expect(log.tryTake(10)).toBe(true);
    expect(log.tryTake(20)).toBe(false);
    expect(log.waitFrom(20)).toBe(980);
    expect(log.tryTake(1000)).toBe(true);
    expect(log.waitFrom(1005)).toBe(5);
    log.force(1006);
    expect(log.waitFrom(1006)).toBe(994);
    expect(log.waitFrom(5000)).toBe(0);
  });
});

describe('defensive reads', () => {
  it('falls back when a name cannot be turned into a string, or keys cannot be listed', () => {
    const name = {
      toString: () => {
        throw new Error('no');
      },
    };
    const err = Object.assign(new Error('m'), { name });
    expect(serializeError(err).name).toBe('Error');
    const trapped = new Proxy(new Error('trapped'), {
      ownKeys() {
        throw new Error('no keys');
      },
    });
    const out = serializeError(trapped);
    expect(out.message).toBe('trapped');
    const details = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('no');
        },
      },
    );
    expect(serializeError(Object.assign(new Error('d'), { details })).details).toBe('[Unserializable]');
  });
});
