import type { HealthStatus } from '@ballast/core';
import { aggregateStatus } from '../aggregate.js';
import type { CheckReport, HealthReport, ServiceInfo } from '../types.js';
import type { RunRecord } from './outcome.js';
import type { ResolvedCheck } from './runner.js';

// A record is immutable, so its report entry is built once and shared by every probe.
const entries = new WeakMap<RunRecord, CheckReport>();

/** The IETF check object for one run of `check`. */
export function checkEntry(check: ResolvedCheck, record: RunRecord): CheckReport {
  const cached = entries.get(record);
  if (cached !== undefined) return cached;
  const entry: CheckReport = {
    componentId: check.shownName,
    status: record.status,
    time: new Date(record.time).toISOString(),
    duration: record.duration,
    critical: check.critical,
  };
  if (check.componentType !== undefined) entry.componentType = check.componentType;
  if (record.observedValue !== undefined) entry.observedValue = record.observedValue;
  if (record.observedUnit !== undefined) entry.observedUnit = record.observedUnit;
  if (record.output !== undefined) entry.output = record.output;
  if (record.suggestion !== undefined) entry.suggestion = record.suggestion;
  if (record.details !== undefined) entry.details = record.details;
  entries.set(record, entry);
  return entry;
}

/** The top-level fields every report carries, computed once per registry. */
export function serviceFields(service: ServiceInfo): Omit<HealthReport, 'status' | 'checks'> {
  const fields: Omit<HealthReport, 'status' | 'checks'> = {};
  if (service.version !== undefined) fields.version = service.version;
  if (service.releaseId !== undefined) fields.releaseId = service.releaseId;
  if (service.name !== undefined) {
    fields.serviceId = service.name;
    fields.description = `health of ${service.name}`;
  }
  return fields;
}

/** Aggregates the runs of `checks` into a report. */
export function buildReport(
  service: Omit<HealthReport, 'status' | 'checks'>,
  checks: readonly ResolvedCheck[],
  records: readonly RunRecord[],
): HealthReport {
  const entriesByKey: Record<string, CheckReport[]> = {};
  const inputs: { status: HealthStatus; critical: boolean }[] = [];
  let failing = '';
  for (let i = 0; i < checks.length; i++) {
    const check = checks[i]!;
    const record = records[i]!;
    const entry = checkEntry(check, record);
    const list = entriesByKey[check.key];
    if (list === undefined) entriesByKey[check.key] = [entry];
    else list.push(entry);
    inputs.push(entry);
    if (record.status !== 'pass')
      failing += `${failing === '' ? '' : ', '}${check.shownName}: ${record.status}`;
  }
  const report: HealthReport = { status: aggregateStatus(inputs), ...service, checks: entriesByKey };
  if (failing !== '') report.output = failing;
  return report;
}

/** A report that fails without running anything, e.g. readiness during shutdown. */
export function failedReport(service: Omit<HealthReport, 'status' | 'checks'>, output: string): HealthReport {
  return { status: 'fail', ...service, output, checks: {} };
}
