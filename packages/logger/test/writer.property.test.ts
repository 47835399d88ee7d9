import { createLogger, type Logger, type LoggerOptions } from '@ballast/logger';
import { createRedactor } from '@ballast/redact';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memorySink } from './helpers.js';

/** A logger writing bare lines: no base, time, context or trace, so a line is its fields alone. */
function bare(redact: LoggerOptions['redact']) {
  const sink = memorySink();
  const options: LoggerOptions = {
    sinks: [sink],
    base: null,
    timestamp: false,
    context: false,
    trace: false,
  };
  const log = createLogger(redact === undefined ? options : { ...options, redact });
  return { log, sink };
}

function line(log: Logger, sink: { raw: string[] }, value: unknown): string {
  return lineOf(log, sink, { v: value });
}

function lineOf(log: Logger, sink: { raw: string[] }, fields: object): string {
  sink.raw.length = 0;
  log.info(fields);
  return sink.raw[0] as string;
}

/** Keys of nested objects: one the redaction below censors (`secret`), others it leaves. */
const key = fc.constantFrom('secret', 'a', 'b', 'level', 'msg', '0', '__proto__', 'x y');
const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null)),
    fc.dictionary(key, tie('tree'), { maxKeys: 5 }),
    fc.array(tie('tree'), { maxLength: 4 }),
  ),
}));

/** `value` with every `secret` member dropped (`remove`) or censored, at any depth. */
function expected(value: unknown, remove: boolean): unknown {
  if (Array.isArray(value)) return value.map((item) => expected(item, remove));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const next = k === 'secret' ? '[REDACTED]' : expected(v, remove);
    if (k === 'secret' && remove) continue;
    Object.defineProperty(out, k, { value: next, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

describe('the JSON writer of log lines', () => {
  it('writes any JSON value nested in a line exactly as JSON.stringify does (redaction off)', () => {
    const { log, sink } = bare(false);
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(line(log, sink, value)).toBe(`{"level":"info","v":${JSON.stringify(value)}}\n`);
      }),
    );
  });

  it('writes the same bytes when the first members of nested objects are censored or removed', () => {
    const only = { keys: ['secret'], defaultKeys: false, defaultPatterns: false };
    const censoring = bare(only);
    const removing = bare({ ...only, remove: true });
    fc.assert(
      fc.property(tree, (value) => {
        expect(line(censoring.log, censoring.sink, value)).toBe(
          `{"level":"info","v":${JSON.stringify(expected(value, false))}}\n`,
        );
        expect(line(removing.log, removing.sink, value)).toBe(
          `{"level":"info","v":${JSON.stringify(expected(value, true))}}\n`,
        );
      }),
    );
  });

  it('writes a line as a fresh logger does, after lines of the same shape with other values', () => {
    // The remembered key entries answer for the keys; the values must still be censored each time.
    const paths = ['nested.note', '*.id', 'list[0].user'];
    const warm = bare(undefined);
    const warmPaths = bare(paths);
    const redactPaths = createRedactor({ paths });
    const value = fc.oneof(
      fc.string({ maxLength: 10 }),
      fc.constantFrom('Bearer abcdefghijklmnop123456', 'postgres://u:hunter2@db/x', 'password=hunter2'),
      fc.integer(),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(value, value, value), { minLength: 2, maxLength: 5 }), (rows) => {
        for (const [a, b, c] of rows) {
          const fields = {
            user: a,
            id: c,
            password: b,
            nested: { note: c, token: a, id: b },
            level: c,
            list: [{ user: b }],
          };
          const fresh = bare(undefined);
          expect(line(warm.log, warm.sink, fields)).toBe(line(fresh.log, fresh.sink, fields));
          // The same keys under other path states (`id`, `other.id`, `other.nested.id`): each
          // state is looked up for its own; the redactor of @ballast/redact is the oracle.
          const { level: _, ...rest } = fields;
          const both = { ...rest, other: rest };
          const written = JSON.parse(lineOf(warmPaths.log, warmPaths.sink, both)) as Record<string, unknown>;
          delete written.level;
          expect(written).toEqual(redactPaths(both));
        }
      }),
    );
  });
});
