import { describe, expect, it } from 'vitest';
import { noopLogger } from '../src/logger.js';

describe('noopLogger', () => {
  it('accepts every pino call shape and does nothing', () => {
    for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const) {
      expect(noopLogger[level]({ a: 1 }, 'msg %s', 'x')).toBeUndefined();
      expect(noopLogger[level]('msg')).toBeUndefined();
    }
    expect(Object.isFrozen(noopLogger)).toBe(true);
  });
});
