import { ManualClock } from '@ballast/core/testing';
import { createRedactor } from '@ballast/redact';
import { describe, expect, it } from 'vitest';
import {
  createErrorReporter,
  type ErrorReport,
  InternalError,
  isBallastError,
  serializeError,
  toProblemDetails,
  ValidationError,
} from '../src/index.js';

const jwt =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkFkYSJ9.c2lnbmF0dXJlX2hlcmVfZm9yX3Rlc3Q';

function leaky(): InstanceType<typeof InternalError> {
  return new InternalError(`upstream said: Authorization: Bearer ${jwt}`, {
    details: { password: 'hunter2', user: 'ada' },
    cause: new Error('connect to postgres://app:s3cr3t@db:5432/app failed'),
  });
}

describe('redaction through @ballast/redact', () => {
  it('serializeError redacts with the default keys and patterns when redact is true', () => {
    const json = JSON.stringify(serializeError(leaky(), { redact: true }));
    for (const secret of [jwt, 'hunter2', 's3cr3t']) expect(json).not.toContain(secret);
    expect(json).toContain('"user":"ada"');
    expect(json).toContain('[REDACTED]');
  });

  it('serializeError redacts by default, as toProblemDetails and toUserMessage do; redact: false opts out', () => {
    const json = JSON.stringify(serializeError(leaky()));
    for (const secret of [jwt, 'hunter2', 's3cr3t']) expect(json).not.toContain(secret);
    expect(json).toContain('"user":"ada"');
    // For callers that redact the result themselves, such as a logger.
    const raw = JSON.stringify(serializeError(leaky(), { redact: false }));
    for (const secret of [jwt, 'hunter2', 's3cr3t']) expect(raw).toContain(secret);
  });

  it('JSON.stringify of a Ballast error is redacted like serializeError', () => {
    const err = leaky();
    const json = JSON.stringify({ err });
    for (const secret of [jwt, 'hunter2', 's3cr3t']) expect(json).not.toContain(secret);
    expect(JSON.parse(json).err).toEqual(JSON.parse(JSON.stringify(serializeError(err))));
  });

  it('serializeError compiles RedactOptions once per options object', () => {
    const options = { keys: ['user'] };
    const first = serializeError(leaky(), { redact: options });
    const second = serializeError(leaky(), { redact: options });
    expect((first.details as Record<string, unknown>).user).toBe('[REDACTED]');
    expect((second.details as Record<string, unknown>).user).toBe('[REDACTED]');
  });

  it('serializeError accepts a compiled redactor', () => {
    const redact = createRedactor({ keys: ['user'], defaultKeys: false, defaultPatterns: false });
    const out = serializeError(leaky(), { redact });
    expect(out.details).toEqual({ password: 'hunter2', user: '[REDACTED]' });
  });

  it('serializeError fails closed on invalid redaction options', () => {
    const out = serializeError(leaky(), { redact: { keys: 'password' as never } });
    expect(out).toEqual({ name: 'InternalError', message: '[Redaction failed]' });
  });

  it('toProblemDetails redacts 4xx details by default, and fails closed', () => {
    const err = new ValidationError('bad sign-up', {
      details: { email: 'ada@example.com', password: 'hunter2' },
    });
    expect(toProblemDetails(err).details).toEqual({ email: 'ada@example.com', password: '[REDACTED]' });
    expect(toProblemDetails(err, { redact: false }).details).toEqual({
      email: 'ada@example.com',
      password: 'hunter2',
    });
    const closed = toProblemDetails(err, { redact: { patterns: 'x' as never } });
    expect(closed).not.toHaveProperty('details');
    expect(closed.code).toBe('VALIDATION_FAILED');
    const internals = toProblemDetails(leaky(), { exposeInternals: true });
    expect(JSON.stringify(internals)).not.toContain('s3cr3t');
    expect(internals.internal).toHaveProperty('stack');
  });

  it('the reporter redacts errors and context by default', () => {
    const sent: ErrorReport[] = [];
    const reporter = createErrorReporter({ sink: (r) => void sent.push(r), clock: new ManualClock() });
    reporter.report(leaky(), { context: { token: 'tok-1', job: 'sync', when: 10n } });
    const json = JSON.stringify(sent);
    for (const secret of [jwt, 'hunter2', 's3cr3t', 'tok-1']) expect(json).not.toContain(secret);
    expect(sent[0]!.context).toEqual({ token: '[REDACTED]', job: 'sync', when: '10n' });
  });

  it('the reporter sends context without redaction when redact is false, and fails closed', () => {
    const sent: ErrorReport[] = [];
    const plain = createErrorReporter({
      sink: (r) => void sent.push(r),
      redact: false,
      clock: new ManualClock(),
    });
    plain.report(new InternalError('x'), { context: { token: 't' } });
    expect(sent[0]!.context).toEqual({ token: 't' });
    const broken = createErrorReporter({
      sink: (r) => void sent.push(r),
      redact: (value) => {
        if ((value as { name?: unknown }).name === undefined) throw new Error('cannot');
        return value;
      },
      clock: new ManualClock(),
    });
    broken.report(new InternalError('y'), { context: { token: 't' } });
    expect(sent[1]!.context).toEqual({ redaction: 'failed' });
  });

  it('the reporter rejects invalid redaction options at construction', () => {
    let thrown: unknown;
    try {
      createErrorReporter({ sink: () => {}, redact: { censor: 42 as never } });
    } catch (error) {
      thrown = error;
    }
    expect(isBallastError(thrown)).toBe(true);
    expect((thrown as { code: string }).code).toBe('INVALID_CONFIGURATION');
  });
});
