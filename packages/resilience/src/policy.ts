/** What every policy passes to the work it runs. */
export interface PolicyContext {
  /**
   * Aborts when the caller's signal aborts, a timeout fires, or a hedged attempt
   * loses. Created only when read, so work that ignores it costs nothing.
   */
  readonly signal: AbortSignal;
  /** 1 for the first attempt, 2 for the first retry, and so on. */
  readonly attempt: number;
}

/** The work a policy runs: receives the context and returns a value or a promise. */
export type Work<T> = (context: PolicyContext) => PromiseLike<T> | T;

/**
 * A resilience policy: `execute` runs `work` under it. Every policy and every
 * `pipeline(...)` of policies has this shape, so they nest freely; an object of your own
 * with this one method is a policy too, and joins a `pipeline` like the built-in ones.
 */
export interface Policy {
  /**
   * Runs `work` under this policy. Rejects at once with the signal's reason if
   * `signal` has already aborted.
   */
  execute<T>(work: Work<T>, signal?: AbortSignal): Promise<T>;
}
