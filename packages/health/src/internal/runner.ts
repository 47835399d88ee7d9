import type { Clock, HealthResult, TimerHandle } from '@ballast/core';
import { TimeoutError } from '@ballast/errors';
import type { CheckKind, CheckOutcome } from '../types.js';
import { errorToResult, outcomeToResult, type RedactFn, type RunRecord, toRecord } from './outcome.js';

/** A check after validation: every setting resolved to a concrete value. */
export interface ResolvedCheck {
  /** The registered name: the key for lookups (`checkOne`, `/health/checks/:name`). */
  readonly name: string;
  /** The name as reports, doctor lines, events and metrics show it: redacted. */
  readonly shownName: string;
  readonly run: (signal: AbortSignal) => CheckOutcome | Promise<CheckOutcome>;
  readonly critical: boolean;
  readonly kinds: ReadonlySet<CheckKind>;
  readonly timeoutMs: number;
  readonly intervalMs: number | undefined;
  readonly cacheForMs: number;
  readonly componentType: string | undefined;
  readonly observedUnit: string | undefined;
  /** The report key: `shownName` or `shownName:measurement`. */
  readonly key: string;
  readonly close: (() => void | Promise<void>) | undefined;
}

/** Runs one check: timeouts, result reuse, one shared in-flight run and background polling. */
export interface Runner {
  readonly check: ResolvedCheck;
  /** The current result: the last one when it is still usable, else a (shared) fresh run. */
  result(): RunRecord | Promise<RunRecord>;
  /** Starts background polling when the check has an interval. */
  start(): void;
  /** Stops polling; an in-flight run still settles. */
  stop(): void;
}

/** Called after every run with the new record and the previous one. */
export type RecordListener = (
  check: ResolvedCheck,
  record: RunRecord,
  previous: RunRecord | undefined,
) => void;

/** Creates the {@link Runner} of one check. */
export function createRunner(
  check: ResolvedCheck,
  clock: Clock,
  redact: RedactFn,
  onRecord: RecordListener,
): Runner {
  let last: RunRecord | undefined;
  let inflight: Promise<RunRecord> | undefined;
  let poller: TimerHandle | undefined;
  const timeoutOutput = `timed out after ${check.timeoutMs} ms`;

  const execute = (): Promise<RunRecord> => {
    const started = clock.now();
    const controller = new AbortController();
    let timer: TimerHandle | undefined;
    const record = (result: HealthResult): RunRecord => {
      const now = clock.now();
      return toRecord(result, check.observedUnit, now, now - started, redact);
    };
    const timedOut = new Promise<RunRecord>((resolve) => {
      timer = clock.setTimeout(() => {
        controller.abort(new TimeoutError(`Health check "${check.name}" ${timeoutOutput}`));
        resolve(record({ status: 'fail', output: timeoutOutput, suggestion: timeoutSuggestion(check) }));
      }, check.timeoutMs);
    });
    const ran = (async () => record(outcomeToResult(await check.run(controller.signal))))().catch(
      (error: unknown) => record(errorToResult(error)),
    );
    const current = Promise.race([ran, timedOut]).then((fresh) => {
      clock.clearTimeout(timer!);
      const previous = last;
      last = fresh;
      inflight = undefined;
      onRecord(check, fresh, previous);
      return fresh;
    });
    inflight = current;
    return current;
  };

  return {
    check,
    result() {
      if (last !== undefined) {
        if (poller !== undefined) return last;
        if (clock.now() - last.time < check.cacheForMs) return last;
      }
      return inflight ?? execute();
    },
    start() {
      if (check.intervalMs === undefined || poller !== undefined) return;
      poller = clock
        .setInterval(() => {
          if (inflight === undefined) void execute();
        }, check.intervalMs)
        .unref();
      if (inflight === undefined) void execute();
    },
    stop() {
      if (poller !== undefined) clock.clearTimeout(poller);
      poller = undefined;
    },
  };
}

function timeoutSuggestion(check: ResolvedCheck): string {
  return `Find out why "${check.name}" is slow to answer, or raise its timeout (now ${check.timeoutMs} ms).`;
}
