import type { HealthResult, HealthStatus } from '@ballast/core';
import { isBallastError } from '@ballast/errors';
import type { CheckOutcome } from '../types.js';

/** One finished run of a check, as stored and reported. */
export interface RunRecord {
  readonly status: HealthStatus;
  readonly output: string | undefined;
  readonly details: Record<string, unknown> | undefined;
  readonly suggestion: string | undefined;
  readonly observedValue: number | string | boolean | undefined;
  readonly observedUnit: string | undefined;
  /** When the run finished (epoch ms, from the registry's clock). */
  readonly time: number;
  /** How long it took in ms. */
  readonly duration: number;
}

/** Redacts a value without mutating it (a `@ballast/redact` redactor fits). */
export type RedactFn = (value: unknown) => unknown;

const STATUSES: ReadonlySet<unknown> = new Set(['pass', 'warn', 'fail']);

interface Texts {
  output?: string | undefined;
  details?: Record<string, unknown> | undefined;
  suggestion?: string | undefined;
}

/** Turns whatever `run` returned into a full result. */
export function outcomeToResult(outcome: CheckOutcome): HealthResult {
  if (outcome === undefined || outcome === true) return { status: 'pass' };
  if (outcome === false) return { status: 'fail', output: 'the check reported a failure' };
  if (typeof outcome !== 'object' || outcome === null || !STATUSES.has(outcome.status)) {
    return {
      status: 'fail',
      output: `the check returned an invalid result (${describe(outcome)})`,
      suggestion: "Return nothing, a boolean, or { status: 'pass' | 'warn' | 'fail' } from run().",
    };
  }
  return outcome;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return `${typeof value} ${String(value)}`;
  const status = (value as { status?: unknown }).status;
  return `status ${JSON.stringify(status) ?? 'undefined'}`;
}

/** Fails a check with a thrown error's message and suggestions (Ballast errors keep theirs). */
export function errorToResult(error: unknown): HealthResult {
  if (isBallastError(error)) {
    const result: HealthResult = { status: 'fail', output: error.message };
    if (error.suggestions.length > 0) result.suggestion = error.suggestions.join(' ');
    if (Object.keys(error.details).length > 0) result.details = { ...error.details };
    return result;
  }
  if (error instanceof Error) return { status: 'fail', output: error.message || error.name };
  return { status: 'fail', output: String(error) };
}

/** Builds the stored record, redacting the free-text parts once per run (never per request). */
export function toRecord(
  result: HealthResult,
  defaultUnit: string | undefined,
  time: number,
  duration: number,
  redact: RedactFn,
): RunRecord {
  let texts: Texts = { output: result.output, details: result.details, suggestion: result.suggestion };
  if (texts.output !== undefined || texts.details !== undefined || texts.suggestion !== undefined) {
    texts = redact(texts) as Texts;
  }
  return {
    status: result.status,
    output: texts.output,
    details: texts.details,
    suggestion: texts.suggestion,
    observedValue: result.observedValue,
    observedUnit: result.observedUnit ?? (result.observedValue === undefined ? undefined : defaultUnit),
    time,
    duration,
  };
}
