import { ManualClock } from '@ballast/core/testing';
import { createLogger, withLogContext } from '@ballast/logger';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lineKeyBit } from '../src/internal/line-keys.js';
import { memorySink } from './helpers.js';

const NOW = 1_700_000_000_000;

function setup(options: Parameters<typeof createLogger>[0] = {}) {
  const sink = memorySink();
  const logger = createLogger({
    base: null,
    clock: new ManualClock({ now: NOW }),
    sinks: [sink],
    ...options,
  });
  return { sink, logger };
}

/** The keys of a JSON line's top-level object in order, repeats included (JSON.parse keeps the last). */
function topLevelKeys(line: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') {
      let end = i + 1;
      while (line[end] !== '"') end += line[end] === '\\' ? 2 : 1;
      if (depth === 1 && line[end + 1] === ':') keys.push(JSON.parse(line.slice(i, end + 1)) as string);
      i = end;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return keys;
}

const LINE_KEYS = ['level', 'time', 'name', 'msg', 'err', 'repeated', 'trace_id', 'span_id', 'trace_flags'];

/** Each key the line writes itself at most once (a key of yours in both bindings and fields may repeat, as in pino). */
function expectNoRepeatedKey(line: string): void {
  const keys = topLevelKeys(line).filter((key) => LINE_KEYS.includes(key.replace(/^_+/, '')));
  expect(keys, line).toEqual([...new Set(keys)]);
}

describe('fields named like the keys a line writes itself', () => {
  it('cannot override the real level, time and msg: top-level fields are written with an underscore', () => {
    const { sink, logger } = setup();
    const nested = { user: { name: 'ada', level: 3, msg: 'hi' }, items: [{ time: 1 }] };
    logger.info({ level: 'fake', time: 1, msg: 'spoofed', ...nested }, 'real');
    expectNoRepeatedKey(sink.raw[0] as string);
    expect(sink.lines[0]).toEqual({
      level: 'info',
      time: NOW,
      _level: 'fake',
      _time: 1,
      _msg: 'spoofed',
      ...nested, // keys inside values are left alone
      msg: 'real',
    });
  });

  it('keeps msg as the message when the call gives none, as pino does', () => {
    const { sink, logger } = setup({ timestamp: false });
    logger.info({ msg: 'from the fields', time: 'kept: no time is written' });
    expect(sink.raw[0]).toBe('{"level":"info","msg":"from the fields","time":"kept: no time is written"}\n');
  });

  it('renames a name field only when the logger writes a name', () => {
    const { sink, logger } = setup({ timestamp: false });
    logger.info({ name: 'widget' }, 'unnamed');
    logger.child({}, { name: 'db' }).info({ name: 'widget' }, 'named');
    expect(sink.lines).toEqual([
      { level: 'info', name: 'widget', msg: 'unnamed' },
      { level: 'info', name: 'db', _name: 'widget', msg: 'named' },
    ]);
  });

  it('renames bindings, base and context fields named like a line key', async () => {
    const { sink, logger } = setup({ name: 'api', base: { time: 'base', pid: 1 }, timestamp: false });
    const child = logger.child({ level: 'binding', msg: 'binding', err: 'binding', reqId: 'r1' });
    await withLogContext({ name: 'context', tenant: 't' }, () => child.error(new Error('boom')));
    const line = sink.raw[0] as string;
    expectNoRepeatedKey(line);
    expect(sink.lines[0]).toMatchObject({
      level: 'error',
      name: 'api',
      time: 'base', // timestamp: false writes no time of its own
      _level: 'binding',
      _msg: 'binding',
      _err: 'binding',
      _name: 'context',
      err: { message: 'boom' },
      msg: 'boom',
    });
  });

  it('adds one more underscore to keys that already start with one, so no two keys meet', () => {
    const { sink, logger } = setup();
    logger.info({ level: 'a', _level: 'b', __level: 'c', _other: 'd' }, 'm');
    expectNoRepeatedKey(sink.raw[0] as string);
    expect(sink.lines[0]).toMatchObject({
      level: 'info',
      _level: 'a',
      __level: 'b',
      ___level: 'c',
      _other: 'd',
    });
  });

  it('renames repeated on warn-or-worse lines when dedupe may write it', async () => {
    const { sink, logger } = setup({ dedupe: { window: '10s' }, timestamp: false });
    logger.info({ repeated: 'mine' }, 'info');
    logger.warn({ repeated: 'mine' }, 'warn');
    logger.warn({ repeated: 'mine' }, 'warn');
    logger.child({ repeated: 'bound' }).info('child');
    await logger.flush();
    for (const line of sink.raw) expectNoRepeatedKey(line);
    expect(sink.lines).toEqual([
      { level: 'info', repeated: 'mine', msg: 'info' },
      { level: 'warn', _repeated: 'mine', msg: 'warn' },
      { level: 'info', _repeated: 'bound', msg: 'child' },
      { level: 'warn', _repeated: 'mine', msg: 'warn', repeated: 1 },
    ]);
  });

  it('renames a secret field named like a line key, still censored', () => {
    const { sink, logger } = setup({ redact: { keys: ['msg'] }, timestamp: false });
    logger.info({ msg: 'hunter2' }, 'real');
    expect(sink.raw[0]).toBe('{"level":"info","_msg":"[REDACTED]","msg":"real"}\n');
  });

  it('knows the line keys and their underscored forms, and nothing else', () => {
    for (const key of [
      'level',
      '_time',
      '__name',
      'msg',
      'err',
      'repeated',
      'trace_id',
      'span_id',
      'trace_flags',
    ])
      expect(lineKeyBit(key), key).not.toBe(0);
    for (const key of ['levels', 'Level', 'level_', 'names', 'message', 'trace', 'x_level', ''])
      expect(lineKeyBit(key), key).toBe(0);
  });

  it('never writes a key twice on a line whose fields, bindings, base and context share none', async () => {
    const key = fc.oneof(
      fc.constantFrom('level', 'time', 'name', 'msg', 'err', 'repeated', 'trace_id', 'pid', 'x'),
      fc.constantFrom('level', 'time', 'name', 'msg', 'err').map((k) => `_${k}`),
      fc.string({ maxLength: 6 }),
    );
    // Each key goes to one of base, bindings, context and the call's own fields.
    const sources = fc
      .uniqueArray(fc.tuple(key, fc.oneof(fc.string({ maxLength: 4 }), fc.integer()), fc.nat(3)), {
        maxLength: 12,
        selector: ([k]) => k,
      })
      .map((members) => {
        type Fields = Record<string, unknown>;
        const parts: [Fields, Fields, Fields, Fields] = [{}, {}, {}, {}];
        for (const [k, v, to] of members) (parts[to] as Fields)[k] = v;
        return parts;
      });
    await fc.assert(
      fc.asyncProperty(
        sources,
        fc.option(fc.constantFrom('api', 'db'), { nil: undefined }),
        fc.option(fc.string({ maxLength: 4 }), { nil: undefined }),
        fc.constantFrom<'epoch' | 'iso' | false>('epoch', 'iso', false),
        async ([base, bindings, context, own], name, msg, timestamp) => {
          const sink = memorySink();
          const logger = createLogger({
            sinks: [sink],
            base,
            timestamp,
            dedupe: { window: '1m' },
            ...(name === undefined ? {} : { name }),
          });
          const child = logger.child(bindings);
          await withLogContext(context, () => {
            child.warn(own, msg);
            child.warn(own, msg);
          });
          await logger.flush();
          for (const line of sink.raw) {
            const keys = topLevelKeys(line);
            expect(keys, line).toEqual([...new Set(keys)]);
            const entry = JSON.parse(line);
            expect(entry.level).toBe('warn');
            const childName = typeof bindings?.name === 'string' ? bindings.name : name;
            if (childName !== undefined) expect(entry.name).toBe(childName);
            if (msg !== undefined) expect(entry.msg).toBe(msg);
          }
        },
      ),
    );
  });
});
