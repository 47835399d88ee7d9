/**
 * The planted-secret corpus of `@ballast/redact` through every channel that writes what a
 * service holds: the logger, serializeError, the error reporter, problem details and health
 * reports. Each must show none of the planted secrets and keep the innocent look-alikes.
 */
import {
  createErrorReporter,
  type ErrorReport,
  serializeError,
  toProblemDetails,
  ValidationError,
} from '@ballast/errors';
import { createHealth, renderDoctor } from '@ballast/health';
import { createLogger } from '@ballast/logger';
import { describe, expect, it } from 'vitest';
import { leaks, type Plant, plants } from '../../packages/redact/test/fixtures/planted-secrets.js';

const PLANTS = plants(101, 1500);
/** Plants whose secret lives in a string (the other channels carry messages, not objects). */
const TEXT_PLANTS = PLANTS.filter((plant) => typeof plant.value === 'string');

/** Runs `channel` over `list`; returns the leaks and the innocent strings that changed. */
function audit(list: readonly Plant[], channel: (plant: Plant) => string): string[] {
  const problems: string[] = [];
  for (const plant of list) {
    const out = channel(plant);
    if (leaks(plant, out).length > 0)
      problems.push(`leak ${plant.category}: ${JSON.stringify(plant.value)} → ${out}`);
    for (const part of plant.keep) {
      if (!out.includes(part) && !out.includes(JSON.stringify(part).slice(1, -1))) {
        problems.push(`changed ${plant.category}: ${JSON.stringify(plant.value)} → ${out}`);
      }
    }
  }
  return problems;
}

describe('planted secrets in every channel', () => {
  it('the logger writes none, in fields or in the message', () => {
    const lines: string[] = [];
    const logger = createLogger({
      sinks: [{ name: 'memory', write: (line) => void lines.push(line) }],
      base: null,
    });
    const problems = audit(PLANTS, (plant) => {
      lines.length = 0;
      logger.info({ value: plant.value }, typeof plant.value === 'string' ? plant.value : 'object');
      return lines.join('');
    });
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it('serializeError shows none, in messages, fields, causes or thrown non-errors', () => {
    const problems = audit(PLANTS, (plant) => {
      const message = typeof plant.value === 'string' ? plant.value : 'failed';
      const error = Object.assign(new Error(message, { cause: plant.value }), { context: plant.value });
      return JSON.stringify([serializeError(error), serializeError(plant.value)]);
    });
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it('the error reporter sends none, in messages or context', () => {
    const sent: ErrorReport[] = [];
    const problems = audit(TEXT_PLANTS, (plant) => {
      sent.length = 0;
      // A reporter per plant: repeats of one fingerprint would be held back, not sent.
      const reporter = createErrorReporter({ sink: (report) => void sent.push(report) });
      reporter.report(new Error(plant.value as string), { context: { value: plant.value } });
      // A thrown non-error: its preview is redacted before it is cut.
      reporter.report({ payload: `${'x'.repeat(180)} ${plant.value as string}` });
      return JSON.stringify(sent);
    });
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it('problem details show none, in detail, details or an instance from req.url', () => {
    const problems = audit(TEXT_PLANTS, (plant) => {
      const text = plant.value as string;
      const error = new ValidationError(text, { details: { input: text }, suggestions: [text] });
      return JSON.stringify(toProblemDetails(error, { instance: `/v1/items?q=${text}` }));
    });
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it('health reports and doctor lines show none, in outputs or check names', async () => {
    const sample = TEXT_PLANTS.slice(0, 300);
    const health = createHealth({
      checks: sample.map((plant, i) => ({
        name: `${i} ${plant.value as string}`,
        run: () => ({
          status: 'warn' as const,
          output: plant.value as string,
          details: { value: plant.value },
        }),
      })),
    });
    const report = await health.check();
    const shown = JSON.stringify(report) + renderDoctor(report, { color: false, verbose: true });
    const leaked = sample.filter((plant) => leaks(plant, shown).length > 0);
    expect(leaked.map((plant) => plant.value)).toEqual([]);
    await health.close();
  });
});
