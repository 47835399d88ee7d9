import { Writable } from 'node:stream';
import { createLogger } from '@ballast/logger';
import { configureSync, getLogger, jsonLinesFormatter, type LogRecord } from '@logtape/logtape';
import { redactByField } from '@logtape/redaction';
import pino from 'pino';
import winston from 'winston';
import { discardSink, logFields, output, pinoDiscard } from '../fixtures.ts';
import { defineSuite } from '../lib.ts';

const fields = logFields;
const PATHS = ['user.password', 'user.email', 'headers.authorization'];

const winstonDiscard = new Writable({
  objectMode: true,
  write(info: Record<symbol, string>, _encoding, callback) {
    output.characters += info[Symbol.for('message')]?.length ?? 0;
    callback();
  },
});

const ballastRedacted = createLogger({ redact: { paths: PATHS }, sinks: [discardSink] });
const ballastPlain = createLogger({ redact: false, sinks: [discardSink] });
const ballastDefault = createLogger({ sinks: [discardSink] });
const pinoRedacted = pino({ redact: PATHS }, pinoDiscard);
const pinoPlain = pino({}, pinoDiscard);
const winstonLogger = winston.createLogger({
  level: 'info',
  format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
  transports: [new winston.transports.Stream({ stream: winstonDiscard })],
});

// LogTape: JSON Lines formatter into a discarding sink; the redacted variant wraps the
// sink in @logtape/redaction's field redaction (its default field patterns).
const logtapeJson = (record: LogRecord): void => {
  output.characters += jsonLinesFormatter(record).length;
};
configureSync({
  sinks: { plain: logtapeJson, redacted: redactByField(logtapeJson) },
  loggers: [
    { category: ['plain'], sinks: ['plain'], lowestLevel: 'info' },
    { category: ['redacted'], sinks: ['redacted'], lowestLevel: 'info' },
    { category: ['logtape', 'meta'], sinks: [], lowestLevel: 'fatal' },
  ],
});
const logtapePlain = getLogger(['plain']);
const logtapeRedacted = getLogger(['redacted']);

const bindings = { reqId: 'req-7f3a9c', userId: 42, tenant: 'acme' };

export default defineSuite({
  id: 'logger',
  title: '@ballast/logger: one info line with ten fields to a discarding destination',
  groups: () => [
    {
      title: 'info line, redaction on (same 3 paths)',
      note: 'Ballast also applies its default key and pattern redaction (keys at any depth, JWT/bearer/card/URL detectors on every string); pino redacts the 3 paths only; LogTape uses redactByField with its default fields; winston has no redaction.',
      goals: [
        {
          label: 'logger, paths + default redaction vs pino redacting the paths',
          case: 'ballast (paths + default keys + patterns)',
          vs: 'pino (redact paths)',
          atLeast: 1.25,
        },
      ],
      cases: [
        {
          name: 'ballast (paths + default keys + patterns)',
          role: 'ballast',
          fn: () => ballastRedacted.info(fields, 'request completed'),
        },
        {
          name: 'pino (redact paths)',
          role: 'peer',
          fn: () => pinoRedacted.info(fields, 'request completed'),
        },
        {
          name: 'logtape (redactByField)',
          role: 'peer',
          fn: () => logtapeRedacted.info('request completed', fields),
        },
        {
          name: 'winston (no redaction)',
          role: 'peer',
          fn: () => winstonLogger.info('request completed', fields),
        },
        {
          name: 'JSON.stringify of the fields (limit)',
          role: 'baseline',
          fn: () => (output.characters += JSON.stringify(fields).length),
        },
      ],
    },
    {
      title: "info line, Ballast's default redaction vs pino with none",
      note: 'Ballast as `createLogger()` configures it (default keys at any depth and value patterns on every string, no paths) against pino with no `redact` at all: what secure-by-default costs against the fastest insecure peer.',
      goals: [
        {
          label: 'logger, default secure redaction vs pino with no redaction',
          case: 'ballast (default redaction)',
          vs: 'pino (no redaction)',
          atLeast: 1.4,
        },
      ],
      cases: [
        {
          name: 'ballast (default redaction)',
          role: 'ballast',
          fn: () => ballastDefault.info(fields, 'request completed'),
        },
        { name: 'pino (no redaction)', role: 'peer', fn: () => pinoPlain.info(fields, 'request completed') },
        {
          name: 'JSON.stringify of the fields (limit)',
          role: 'baseline',
          fn: () => (output.characters += JSON.stringify(fields).length),
        },
      ],
    },
    {
      title: 'info line, redaction off on both',
      note: 'Ballast `redact: false`, pino without `redact`.',
      goals: [
        {
          label: 'logger, no redaction vs pino with no redaction',
          case: 'ballast (redact: false)',
          vs: 'pino',
          atLeast: 1.6,
        },
      ],
      cases: [
        {
          name: 'ballast (redact: false)',
          role: 'ballast',
          fn: () => ballastPlain.info(fields, 'request completed'),
        },
        { name: 'pino', role: 'peer', fn: () => pinoPlain.info(fields, 'request completed') },
        { name: 'logtape', role: 'peer', fn: () => logtapePlain.info('request completed', fields) },
        { name: 'winston', role: 'peer', fn: () => winstonLogger.info('request completed', fields) },
        {
          name: 'JSON.stringify of the fields (limit)',
          role: 'baseline',
          fn: () => (output.characters += JSON.stringify(fields).length),
        },
      ],
    },
    {
      title: 'child logger creation (3 bindings)',
      note: 'Ballast serializes and redacts bindings once, at child().',
      cases: [
        { name: 'ballast child()', role: 'ballast', fn: () => ballastRedacted.child(bindings) },
        { name: 'pino child()', role: 'peer', fn: () => pinoRedacted.child(bindings) },
        { name: 'logtape with()', role: 'peer', fn: () => logtapePlain.with(bindings) },
        { name: 'winston child()', role: 'peer', fn: () => winstonLogger.child(bindings) },
      ],
    },
    {
      title: 'disabled level (debug at info)',
      cases: [
        { name: 'ballast debug()', role: 'ballast', fn: () => ballastRedacted.debug(fields, 'not written') },
        { name: 'pino debug()', role: 'peer', fn: () => pinoRedacted.debug(fields, 'not written') },
        { name: 'logtape debug()', role: 'peer', fn: () => logtapePlain.debug('not written', fields) },
        { name: 'winston debug()', role: 'peer', fn: () => winstonLogger.debug('not written', fields) },
      ],
    },
  ],
  extra: () => [`Characters written during the run: ${output.characters}.`],
});
