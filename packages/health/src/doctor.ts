import type { HealthStatus } from '@ballast/core';
import { checkOptions, keysOf } from './internal/options.js';
import type { CheckReport, HealthReport } from './types.js';

/** Options for {@link renderDoctor}. */
export interface DoctorOptions {
  /**
   * Whether to use ANSI colours. Never used when `NO_COLOR` is set (to anything but
   * an empty string), whatever this says.
   * @defaultValue whether `process.stdout` is a TTY
   */
  color?: boolean;
  /** Also show observed values, details and non-critical markers. @defaultValue `false` */
  verbose?: boolean;
}

const DOCTOR_KEYS = keysOf<DoctorOptions>({ color: true, verbose: true });
const SYMBOL: Readonly<Record<HealthStatus, string>> = { pass: '✓', warn: '⚠', fail: '✗' };
const OVERALL: Readonly<Record<HealthStatus, string>> = {
  pass: 'HEALTHY',
  warn: 'DEGRADED',
  fail: 'UNHEALTHY',
};
const COLOUR: Readonly<Record<HealthStatus, string>> = { pass: '32', warn: '33', fail: '31' };
const EXIT: Readonly<Record<HealthStatus, number>> = { pass: 0, warn: 1, fail: 2 };

type Paint = (code: string, text: string) => string;
const plain: Paint = (_, text) => text;
const ansi: Paint = (code, text) => `\u001b[${code}m${text}\u001b[0m`;

function useColour(option: boolean | undefined): boolean {
  const noColor = process.env.NO_COLOR;
  if (noColor !== undefined && noColor !== '') return false;
  return option ?? process.stdout.isTTY === true;
}

/**
 * Renders a report for a person, in the manner of `flutter doctor`: one line per
 * check (`✓`, `⚠` or `✗`, name, duration, output), then `Overall Status: HEALTHY |
 * DEGRADED | UNHEALTHY` and the "Recommended Actions" drawn from the checks'
 * suggestions. Works on a report parsed back from JSON too.
 *
 * @example
 * const report = await health.check();
 * console.log(renderDoctor(report));
 * process.exitCode = doctorExitCode(report);
 *
 * @throws ConfigurationError for an unknown option (a typo such as `verbos`).
 */
export function renderDoctor(report: HealthReport, options: DoctorOptions = {}): string {
  checkOptions('renderDoctor', options, DOCTOR_KEYS);
  const paint = useColour(options.color) ? ansi : plain;
  const verbose = options.verbose === true;
  const lines: string[] = [];
  const who = [report.serviceId, report.version].filter((part) => part !== undefined).join(' ');
  const release = report.releaseId === undefined ? '' : ` (release ${report.releaseId})`;
  lines.push(`Doctor summary${who === '' ? '' : ` for ${who}`}${release}:`, '');

  const actions: string[] = [];
  const entries = Object.values(report.checks ?? {}).flat();
  if (entries.length === 0) lines.push(paint('2', '  (no checks)'));
  for (const entry of entries) {
    lines.push(checkLine(entry, paint, verbose));
    if (verbose) lines.push(...detailLines(entry, paint));
    if (entry.status !== 'pass') actions.push(action(entry));
  }
  if (report.output !== undefined && entries.length === 0 && report.status !== 'pass') {
    actions.push(`The service reports: ${report.output}.`);
  }
  lines.push('', `Overall Status: ${paint(`1;${COLOUR[report.status]}`, OVERALL[report.status])}`);
  if (actions.length > 0) {
    lines.push('', 'Recommended Actions:');
    actions.forEach((text, index) => {
      lines.push(`  ${index + 1}. ${text}`);
    });
  }
  return lines.join('\n');
}

function checkLine(entry: CheckReport, paint: Paint, verbose: boolean): string {
  const optional = verbose && entry.critical === false ? ', non-critical' : '';
  const timing = paint('2', `(${entry.duration} ms${optional})`);
  const output = entry.output === undefined ? '' : ` — ${entry.output}`;
  return `${paint(COLOUR[entry.status], SYMBOL[entry.status])} ${entry.componentId} ${timing}${output}`;
}

function detailLines(entry: CheckReport, paint: Paint): string[] {
  const lines: string[] = [];
  if (entry.observedValue !== undefined) {
    const unit = entry.observedUnit === undefined ? '' : ` ${entry.observedUnit}`;
    lines.push(paint('2', `    • observed: ${String(entry.observedValue)}${unit}`));
  }
  for (const [key, value] of Object.entries(entry.details ?? {})) {
    lines.push(paint('2', `    • ${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`));
  }
  return lines;
}

function action(entry: CheckReport): string {
  if (entry.suggestion !== undefined) return `${entry.componentId}: ${entry.suggestion}`;
  const what = entry.output === undefined ? entry.status : `"${entry.output}"`;
  return `${entry.componentId}: investigate why it reports ${what}.`;
}

/**
 * The process exit code for a report: 0 when healthy, 1 when degraded, 2 when unhealthy,
 * so scripts and CI can gate on `doctor`.
 */
export function doctorExitCode(report: Pick<HealthReport, 'status'>): 0 | 1 | 2 {
  return EXIT[report.status] as 0 | 1 | 2;
}
