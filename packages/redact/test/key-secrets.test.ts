import { describe, expect, it } from 'vitest';
import { createRedactor } from '../src/index.js';

const redact = createRedactor();
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl';
const OTHER_JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0NTYifQ.c2lnbmF0dXJl';

describe('secrets in keys', () => {
  it('censors the secret part of an object key and keeps its value', () => {
    expect(redact({ [JWT]: 1, 'Bearer abc123def456ghi': 2, ok: 3 })).toEqual({
      '[REDACTED]': 1,
      'Bearer [REDACTED]': 2,
      ok: 3,
    });
  });

  it('censors the password in a Map key', () => {
    expect(redact(new Map([['postgres://u:hunter2@h', 1]]))).toEqual({ 'postgres://u:[REDACTED]@h': 1 });
  });

  it('keeps every value, in order, when keys censor to a name already taken', () => {
    const out = redact({ a: 0, [JWT]: 1, '[REDACTED]': 2, [OTHER_JWT]: 3, '[REDACTED] (2)': 4 });
    expect(Object.entries(out as object)).toEqual([
      ['a', 0],
      ['[REDACTED] (3)', 1],
      ['[REDACTED]', 2],
      ['[REDACTED] (4)', 3],
      ['[REDACTED] (2)', 4],
    ]);
    expect(redact(out)).toEqual(out);
  });

  it('censors keys at any depth, in Errors and class instances, and the values under them', () => {
    class Job {
      [JWT] = 'queued';
    }
    const err = Object.assign(new Error('boom'), { [JWT]: 'x' });
    const out = redact({ list: [{ [JWT]: { password: 'p', note: 'ok' } }], err, job: new Job() }) as {
      list: unknown[];
      err: Record<string, unknown>;
      job: unknown;
    };
    expect(out.list).toEqual([{ '[REDACTED]': { password: '[REDACTED]', note: 'ok' } }]);
    expect(out.err['[REDACTED]']).toBe('x');
    expect(out.job).toEqual({ '[REDACTED]': 'queued' });
    expect(JSON.stringify(out)).not.toContain('eyJzdWIi');
  });

  it('scans keys with patterns alone (keys: false), and not with patterns: false', () => {
    expect(createRedactor({ keys: false })({ [JWT]: 1 })).toEqual({ '[REDACTED]': 1 });
    const input = { [JWT]: 1 };
    expect(createRedactor({ patterns: false })(input)).toBe(input);
  });

  it('leaves the input as it was and shares what it does not rename', () => {
    const inner = { a: 1 };
    const input = { [JWT]: inner, sibling: { b: 2 } };
    const out = redact(input) as Record<string, unknown>;
    expect(Object.keys(input)).toEqual([JWT, 'sibling']);
    expect(out['[REDACTED]']).toBe(inner);
    expect(out.sibling).toBe(input.sibling);
  });

  it('censors a key a wildcard path matched, and its value', () => {
    const r = createRedactor({ paths: ['a.*'] });
    expect(r({ a: { [JWT]: 's', ok: 't' } })).toEqual({
      a: { '[REDACTED]': '[REDACTED]', ok: '[REDACTED]' },
    });
  });

  it('censors a key whose getter throws, marking its value', () => {
    const input = Object.defineProperty({}, JWT, {
      enumerable: true,
      get() {
        throw new Error('no');
      },
    });
    expect(redact(input)).toEqual({ '[REDACTED]': '[Unserializable]' });
  });

  it('renames the keys of a proxy that throws when its keys are listed again', () => {
    let lists = 0;
    const input = new Proxy(
      { [JWT]: 1 },
      {
        ownKeys(target) {
          lists++;
          if (lists > 1) throw new Error('listed again');
          return Reflect.ownKeys(target);
        },
      },
    );
    expect(redact(input)).toEqual({ '[REDACTED]': 1 });
  });

  it('marks a value that throws when read again to rename its key', () => {
    let reads = 0;
    const input = Object.defineProperty({}, JWT, {
      enumerable: true,
      get() {
        reads++;
        if (reads > 1) throw new Error('second read');
        return 1;
      },
    });
    expect(redact(input)).toEqual({ '[REDACTED]': '[Unserializable]' });
  });

  it('censors keys with remove: true instead of dropping them', () => {
    expect(createRedactor({ remove: true })({ [JWT]: 1, token: 't' })).toEqual({ '[REDACTED]': 1 });
  });

  it("gives a key a pseudonym with censor: 'hash', the same one on a second pass", () => {
    const r = createRedactor({ censor: 'hash', hashKey: 'k' });
    const once = r({ 'postgres://u:hunter2@h': 1 }) as Record<string, number>;
    const [key] = Object.keys(once);
    expect(key).toMatch(/^postgres:\/\/u:\[REDACTED:[0-9a-f]{8}\]@h$/);
    expect(r(once)).toEqual(once);
  });

  it('tells a censor function the secret in a key and the path of the object holding it', () => {
    const calls: [unknown, readonly string[]][] = [];
    const r = createRedactor({
      censor: (value, path) => {
        calls.push([value, path]);
        return '<key>';
      },
    });
    expect(r({ a: { [JWT]: 1 } })).toEqual({ a: { '<key>': 1 } });
    expect(calls).toEqual([[JWT, ['a']]]);
  });
});
