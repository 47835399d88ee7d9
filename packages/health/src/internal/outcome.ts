import type { HealthResult, HealthStatus } from '@ballast/core';
import { normalizeError } from '@ballast/errors';
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
  observedValue?: unknown;
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

/**
 * Fails a check with a thrown error, normalised by `@ballast/errors` (system errors,
 * `fetch failed`, ioredis errors get a clear message, suggestions and details).
 */
export function errorToResult(error: unknown): HealthResult {
  const normalized = normalizeError(error);
  const result: HealthResult = { status: 'fail', output: normalized.message };
  if (normalized.suggestions.length > 0) result.suggestion = normalized.suggestions.join(' ');
  if (Object.keys(normalized.details).length > 0) result.details = { ...normalized.details };
  return result;
}

/**
 * Builds the stored record, redacting the parts that can carry text (output, details,
 * suggestion, and an observed value that is not a number or boolean) once per run,
 * never per request.
 */
export function toRecord(
  result: HealthResult,
  defaultUnit: string | undefined,
  time: number,
  duration: number,
  redact: RedactFn,
): RunRecord {
  const observed = result.observedValue;
  // Numbers and booleans cannot hold a secret; a string (or an object a JS caller passed) can.
  const textual = observed !== undefined && typeof observed !== 'number' && typeof observed !== 'boolean';
  let texts: Texts = { output: result.output, details: result.details, suggestion: result.suggestion };
  if (textual) texts.observedValue = observed;
  if (
    textual ||
    texts.output !== undefined ||
    texts.details !== undefined ||
    texts.suggestion !== undefined
  ) {
    texts = redact(texts) as Texts;
  }
  const observedValue = textual ? (texts.observedValue as RunRecord['observedValue']) : observed;
  return {
    status: result.status,
    output: texts.output,
    details: texts.details,
    suggestion: texts.suggestion,
    observedValue,
    observedUnit: result.observedUnit ?? (observedValue === undefined ? undefined : defaultUnit),
    time,
    duration,
  };
}
