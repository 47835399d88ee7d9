import {
  fingerprintError,
  InternalError,
  NotFoundError,
  normalizeError,
  serializeError,
  toProblemDetails,
} from '@ballast/errors';
import { err as pinoErr, errWithCause as pinoErrWithCause } from 'pino-std-serializers';
import { serializeError as sindreSerialize } from 'serialize-error';
import { defineSuite } from '../lib.ts';

// A typical failure: a Ballast error wrapping a Node system error, with details.
const system = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), {
  code: 'ECONNREFUSED',
  errno: -111,
  syscall: 'connect',
  address: '127.0.0.1',
  port: 6379,
});
const wrapped = new InternalError('Loading order 42 failed', { cause: system, details: { orderId: 42 } });
const plain = new Error('Cannot read properties of undefined');
const notFound = new NotFoundError('User 42 does not exist', { details: { id: 42 } });

let sink: unknown;

export default defineSuite({
  id: 'errors',
  title: '@ballast/errors',
  groups: () => [
    {
      title: 'serialize an error with a cause chain (to a plain object)',
      note: 'Each serializer turns the same Ballast error (details, a Node system error as cause) into a JSON-safe object. The peers redact nothing: compare them with `redact: false`; the default (redacted) row shows what redaction costs.',
      goals: [
        {
          label:
            'serializeError with default redaction vs pino-std-serializers `err`, error with a cause chain',
          case: 'serializeError (@ballast/errors), redacted (default)',
          vs: 'pino-std-serializers err',
          atLeast: 0.8,
        },
      ],
      cases: [
        {
          name: 'serializeError (@ballast/errors), redact: false',
          role: 'ballast',
          fn: () => (sink = serializeError(wrapped, { redact: false })),
        },
        {
          name: 'serializeError (@ballast/errors), redacted (default)',
          role: 'ballast',
          fn: () => (sink = serializeError(wrapped)),
        },
        { name: 'serialize-error', role: 'peer', fn: () => (sink = sindreSerialize(wrapped)) },
        {
          name: 'pino-std-serializers errWithCause',
          role: 'peer',
          fn: () => (sink = pinoErrWithCause(wrapped)),
        },
        { name: 'pino-std-serializers err', role: 'peer', fn: () => (sink = pinoErr(wrapped)) },
        {
          name: 'hand-written { name, message, stack } (limit)',
          role: 'baseline',
          fn: () => (sink = { name: wrapped.name, message: wrapped.message, stack: wrapped.stack }),
        },
      ],
    },
    {
      title: 'serialize a plain Error',
      goals: [
        {
          label: 'serializeError with default redaction vs pino-std-serializers `err`, plain Error',
          case: 'serializeError (@ballast/errors), redacted (default)',
          vs: 'pino-std-serializers err',
          atLeast: 0.8,
        },
      ],
      cases: [
        {
          name: 'serializeError (@ballast/errors), redact: false',
          role: 'ballast',
          fn: () => (sink = serializeError(plain, { redact: false })),
        },
        {
          name: 'serializeError (@ballast/errors), redacted (default)',
          role: 'ballast',
          fn: () => (sink = serializeError(plain)),
        },
        { name: 'serialize-error', role: 'peer', fn: () => (sink = sindreSerialize(plain)) },
        { name: 'pino-std-serializers err', role: 'peer', fn: () => (sink = pinoErr(plain)) },
        {
          name: 'hand-written { name, message, stack } (limit)',
          role: 'baseline',
          fn: () => (sink = { name: plain.name, message: plain.message, stack: plain.stack }),
        },
      ],
    },
    {
      title: 'classify a thrown value',
      note: 'normalizeError on a Node ECONNREFUSED error (→ NetworkError) against wrapping it blindly; no peer classifies errors.',
      cases: [
        { name: 'normalizeError(system error)', role: 'ballast', fn: () => (sink = normalizeError(system)) },
        {
          name: 'normalizeError(Ballast error)',
          role: 'ballast',
          fn: () => (sink = normalizeError(notFound)),
        },
        {
          name: 'new InternalError(message, { cause }) (limit)',
          role: 'baseline',
          fn: () => (sink = new InternalError(system.message, { cause: system })),
        },
      ],
    },
    {
      title: 'error to HTTP response body',
      cases: [
        {
          name: 'JSON.stringify(toProblemDetails(404))',
          role: 'ballast',
          fn: () => (sink = JSON.stringify(toProblemDetails(notFound, { instance: 'req-1' }))),
        },
        {
          name: 'JSON.stringify(toProblemDetails(500, hidden internals))',
          role: 'ballast',
          fn: () => (sink = JSON.stringify(toProblemDetails(wrapped, { instance: 'req-1' }))),
        },
        {
          name: 'JSON.stringify(hand-written body) (limit)',
          role: 'baseline',
          fn: () =>
            (sink = JSON.stringify({
              status: notFound.status,
              code: notFound.code,
              detail: notFound.message,
            })),
        },
      ],
    },
    {
      title: 'fingerprint for deduplication',
      cases: [{ name: 'fingerprintError', role: 'ballast', fn: () => (sink = fingerprintError(wrapped)) }],
    },
  ],
});
