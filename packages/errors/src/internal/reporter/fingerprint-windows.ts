import type { Clock, TimerHandle } from '@ballast/core';
import type { BallastError } from '../../ballast-error.js';
import type { Severity } from '../../reporter-types.js';
import type { ReporterCounters } from './counters.js';
import { RANK, unref } from './settings.js';

/** The repeats of one fingerprint within its dedupe window. */
export interface FingerprintWindow {
  readonly fingerprint: string;
  readonly code: string;
  timer: TimerHandle | undefined;
  /** Occurrences after the first, folded into the summary. */
  repeats: number;
  firstRepeat: number;
  lastRepeat: number;
  /** The most urgent severity among the repeats (and the first occurrence). */
  severity: Severity;
  latest: BallastError | undefined;
  context: Record<string, unknown> | undefined;
}

/**
 * The dedupe windows, one per fingerprint: the first occurrence opens a window of
 * `windowMs`; repeats within it are folded; when it ends (its timer, or a flush) the
 * repeats go out as one summary through `summarize`.
 */
export class FingerprintWindows {
  readonly #open = new Map<string, FingerprintWindow>();

  constructor(
    /** The dedupe window, ms (0: every occurrence is sent). */
    readonly windowMs: number,
    readonly clock: Clock,
    readonly counters: ReporterCounters,
    readonly summarize: (window: FingerprintWindow) => void,
  ) {}

  /** Windows open now. */
  get size(): number {
    return this.#open.size;
  }

  /**
   * Folds an occurrence into the open window of its fingerprint: `true` when there was
   * one (the occurrence is counted, not sent), `false` when it is the first.
   */
  fold(
    fingerprint: string,
    error: BallastError,
    level: Severity,
    context: Record<string, unknown> | undefined,
    now: number,
  ): boolean {
    const open = this.#open.get(fingerprint);
    if (open === undefined) return false;
    if (open.repeats === 0) open.firstRepeat = now;
    open.repeats++;
    open.lastRepeat = now;
    open.latest = error;
    open.context = context;
    if (RANK[level] > RANK[open.severity]) open.severity = level;
    this.counters.folded++;
    return true;
  }

  /** Opens a window for a first occurrence (unless windows are off). */
  open(fingerprint: string, code: string, level: Severity, now: number): void {
    if (this.windowMs <= 0) return;
    const window: FingerprintWindow = {
      fingerprint,
      code,
      timer: undefined,
      repeats: 0,
      firstRepeat: now,
      lastRepeat: now,
      severity: level,
      latest: undefined,
      context: undefined,
    };
    window.timer = unref(this.clock.setTimeout(() => this.#close(window), this.windowMs));
    this.#open.set(fingerprint, window);
  }

  /** Ends every open window now, summarising their repeats. */
  closeAll(): void {
    for (const window of [...this.#open.values()]) this.#close(window);
  }

  #close(window: FingerprintWindow): void {
    this.#open.delete(window.fingerprint);
    if (window.timer !== undefined) this.clock.clearTimeout(window.timer);
    if (window.repeats === 0 || window.latest === undefined) return;
    this.summarize(window);
  }
}
