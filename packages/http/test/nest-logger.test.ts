import { nestLogger } from '@ballast/http/nest';
import { createLogger } from '@ballast/logger';
import { describe, expect, it } from 'vitest';

function setup() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({
    sinks: [{ name: 'memory', write: (line) => lines.push(JSON.parse(line)) }],
    base: null,
    timestamp: false,
    level: 'trace',
  });
  return { lines, nest: nestLogger(logger) };
}

describe('nestLogger', () => {
  it("maps Nest's methods to levels and its trailing context string to a context field", () => {
    const { lines, nest } = setup();
    nest.log('Nest application successfully started', 'NestApplication');
    nest.warn('careful');
    nest.debug?.('details', 'Db');
    nest.verbose?.('chatty', 'Db');
    nest.fatal?.('gone', 'Main');
    expect(lines).toEqual([
      { level: 'info', context: 'NestApplication', msg: 'Nest application successfully started' },
      { level: 'warn', msg: 'careful' },
      { level: 'debug', context: 'Db', msg: 'details' },
      { level: 'trace', context: 'Db', msg: 'chatty' },
      { level: 'fatal', context: 'Main', msg: 'gone' },
    ]);
  });

  it('writes the stack Nest passes to error as a stack field, and an Error as err', () => {
    const { lines, nest } = setup();
    nest.error('Unhandled', 'Error: x\n    at handler (/app/main.js:1:2)', 'ExceptionsHandler');
    nest.error(new TypeError('bad'), 'Ctx');
    expect(lines[0]).toEqual({
      level: 'error',
      context: 'ExceptionsHandler',
      stack: 'Error: x\n    at handler (/app/main.js:1:2)',
      msg: 'Unhandled',
    });
    expect(lines[1]).toMatchObject({
      level: 'error',
      context: 'Ctx',
      err: { name: 'TypeError' },
      msg: 'bad',
    });
  });

  it('writes an object message as fields, extra params as params, and redacts both', () => {
    const { lines, nest } = setup();
    nest.log({ user: 'ann', password: 'hunter2' }, 'Auth');
    nest.log('two params', 42, 'Ctx');
    expect(lines).toEqual([
      { level: 'info', context: 'Auth', user: 'ann', password: '[REDACTED]' },
      { level: 'info', context: 'Ctx', params: [42], msg: 'two params' },
    ]);
  });

  it('rejects something that is not a logger', () => {
    expect(() => nestLogger(undefined as never)).toThrow(/nestLogger.logger/);
  });
});
