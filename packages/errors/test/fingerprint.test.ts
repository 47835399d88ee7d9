import { describe, expect, it } from 'vitest';
import { topStackFrame } from '../src/fingerprint.js';
import {
  fingerprintError,
  InternalError,
  NetworkError,
  normalizeError,
  normalizeMessage,
} from '../src/index.js';

describe('fingerprints', () => {
  it('normalises what varies between occurrences of one failure', () => {
    expect(
      normalizeMessage(
        'User 42 (ada@example.com) order 3f2a6c1e-8d7b-4e5f-9a0b-1c2d3e4f5a6b trace 0xdeadbeef1 hash 9f86d081 took 1.5s',
      ),
    ).toBe('User <n> (<email>) order <uuid> trace <n> hash <n> took <n>s');
    expect(normalizeMessage('no numbers here')).toBe('no numbers here');
  });

  it('takes the top stack frame without bundler query strings', () => {
    expect(topStackFrame('Error: x\n    at handler (/app/src/a.ts?t=123:10:5)\n    at next (b.js:1:1)')).toBe(
      'at handler (/app/src/a.ts:10:5)',
    );
    expect(topStackFrame('Error: no frames')).toBe('');
    expect(topStackFrame(undefined)).toBe('');
  });

  it('is equal for the same failure at the same place and differs by place, code or message', () => {
    const at = (id: number) => new InternalError(`Order ${id} failed`);
    expect(fingerprintError(at(1))).toBe(fingerprintError(at(2)));
    const elsewhere = new InternalError('Order 1 failed');
    expect(fingerprintError(elsewhere)).not.toBe(fingerprintError(at(1)));
    const [a, b] = [1, 2].map((n) => (n === 1 ? new InternalError('x') : new NetworkError('x')));
    expect(fingerprintError(a)).not.toBe(fingerprintError(b));
    expect(fingerprintError(at(1))).toMatch(/^[0-9a-f]{16}$/);
  });

  it('locates a normalized error where its cause was thrown', () => {
    const fail = (port: number) =>
      Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:${port}`), { code: 'ECONNREFUSED' });
    const fromHere = normalizeError(fail(1));
    const fromThere = normalizeError(fail(2));
    expect(fingerprintError(fromHere)).toBe(fingerprintError(fromThere));
    expect(fingerprintError(fail(3))).toBe(fingerprintError(fromHere));
  });

  it('survives an unreadable stack', () => {
    const err = new InternalError('x');
    Object.defineProperty(err, 'stack', {
      get() {
        throw new Error('no');
      },
    });
    expect(fingerprintError(err)).toMatch(/^[0-9a-f]{16}$/);
  });
});
