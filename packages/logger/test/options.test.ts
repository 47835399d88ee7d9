import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from '@ballast/errors';
import { createAuditLog, createLogger, fileSink, prettySink, stdoutSink, syslogSink } from '@ballast/logger';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ballast-options-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The ConfigurationError `make` throws. */
function rejection(make: () => unknown): Error & { details?: unknown; suggestions?: readonly string[] } {
  try {
    make();
  } catch (error) {
    if (ConfigurationError.is(error)) return error;
    throw error;
  }
  throw new Error('did not throw');
}

const file = () => join(dir, 'app.log');

describe('options of every factory', () => {
  it.each([
    [
      'fileSink rotate',
      () => fileSink({ path: file(), rotate: { sise: '1MB' } } as never),
      'fileSink.rotate.sise',
      'size',
    ],
    [
      'fileSink',
      () => fileSink({ path: file(), rotat: { size: '1MB' } } as never),
      'fileSink.rotat',
      'rotate',
    ],
    ['stdoutSink', () => stdoutSink({ jounrald: true } as never), 'stdoutSink.jounrald', 'journald'],
    ['syslogSink', () => syslogSink({ prot: 514 } as never), 'syslogSink.prot', 'port'],
    ['prettySink', () => prettySink({ color: false } as never), 'prettySink.color', 'colors'],
    [
      'createAuditLog',
      () => createAuditLog({ path: file(), fsynch: false } as never),
      'createAuditLog.fsynch',
      'fsync',
    ],
    [
      'child',
      () => createLogger({ sinks: [prettySink()] }).child({}, { nmae: 'db' } as never),
      'child.nmae',
      'name',
    ],
  ])(
    '%s rejects an unknown key, naming it and the option it was meant to be',
    (_factory, make, option, meant) => {
      const error = rejection(make);
      expect(error.message).toContain(`Unknown option ${option} (did you mean ${meant}?): expected one of `);
      expect(error.details).toMatchObject({ option, intended: meant });
      expect(error.suggestions).toEqual([`Rename ${option.split('.').pop()} to ${meant}.`]);
    },
  );

  it('never shows the value under an unknown key, which may be the secret itself', () => {
    const sinks = [{ name: 'x', write() {} }];
    const attempts = [
      () => createLogger({ sinks, redact: { hashkey: 'S3CRET' } } as never),
      () => createLogger({ sinks, levle: 'S3CRET' } as never),
      () => createLogger({ sinks, pasword: { nested: ['S3CRET'] } } as never),
      () => fileSink({ path: file(), rotate: { secret: 'S3CRET' } } as never),
      () => createLogger({ sinks }).child({}, { token: 'S3CRET' } as never),
    ];
    for (const attempt of attempts) {
      const error = rejection(attempt);
      expect(error.message).toMatch(/^Unknown option /);
      expect(JSON.stringify({ error, text: String(error), stack: error.stack })).not.toContain('S3CRET');
    }
    const typo = rejection(() => createLogger({ sinks, levle: 'debug' } as never));
    expect(typo.message).toMatch(
      /^Unknown option createLogger\.levle \(did you mean level\?\): expected one of /,
    );
    expect(typo.suggestions).toEqual(['Rename levle to level.']);
  });

  it('rejects an unknown key before touching the file system', () => {
    const path = join(dir, 'never', 'app.log');
    rejection(() => fileSink({ path, rotate: { kept: 3 } } as never));
    rejection(() => createAuditLog({ path, fsynk: true } as never));
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });

  it.each([
    ['fileSink rotate', () => fileSink({ path: file(), rotate: '1MB' } as never), 'fileSink.rotate'],
    [
      'fileSink compress',
      () => fileSink({ path: file(), rotate: { compress: 'yes' } } as never),
      'fileSink.rotate.compress',
    ],
    ['fileSink options', () => fileSink(null as never), 'fileSink'],
    ['fileSink without options', () => fileSink(undefined as never), 'fileSink.path'],
    ['stdoutSink journald', () => stdoutSink({ journald: 1 } as never), 'stdoutSink.journald'],
    ['syslogSink host', () => syslogSink({ host: 1 } as never), 'syslogSink.host'],
    ['syslogSink appName', () => syslogSink({ appName: 5 } as never), 'syslogSink.appName'],
    ['syslogSink hostname', () => syslogSink({ hostname: {} } as never), 'syslogSink.hostname'],
    ['prettySink colors', () => prettySink({ colors: 'yes' } as never), 'prettySink.colors'],
    ['prettySink destination', () => prettySink({ destination: {} } as never), 'prettySink.destination'],
    [
      'createAuditLog fsync',
      () => createAuditLog({ path: file(), fsync: 'no' } as never),
      'createAuditLog.fsync',
    ],
    ['createAuditLog options', () => createAuditLog(null as never), 'createAuditLog'],
  ])('%s of the wrong type is rejected at creation', (_what, make, option) => {
    expect(rejection(make).message).toContain(`Invalid option ${option}:`);
  });

  it('accepts every documented option', () => {
    const sinks = [
      stdoutSink({ level: 'info', journald: false, fd: 1, maxBuffer: '1MB' }),
      prettySink({ level: 'debug', colors: false, destination: { write: () => true } }),
      fileSink({
        path: file(),
        level: 'warn',
        rotate: { size: '1MB', interval: 'daily', keep: 2, compress: false },
      }),
    ];
    const logger = createLogger({ sinks });
    expect(() => logger.child({ a: 1 }, { name: 'db', level: 'warn' })).not.toThrow();
    const audit = createAuditLog({ path: join(dir, 'audit.log'), fsync: false, redact: ['x'] });
    return Promise.all([logger.close(), audit.close()]);
  });
});
