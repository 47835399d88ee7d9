/** A pino-compatible log method: `(obj, msg?, ...args)` or `(msg, ...args)`. */
export interface LogFn {
  /** Logs the fields of `obj` (an `Error` as `err`), with `msg` formatted by `args` (`%s`, `%d`, `%j`). */
  (obj: object, msg?: string, ...args: unknown[]): void;
  /** Logs `msg` formatted by `args` (`%s`, `%d`, `%j`). */
  (msg: string, ...args: unknown[]): void;
}

/**
 * The logger every Ballast package writes to. A pino logger, a `@ballast/logger`
 * logger or any object with these six methods fits.
 */
export interface LoggerLike {
  /** Logs at level trace (10): the finest detail. */
  trace: LogFn;
  /** Logs at level debug (20): diagnostics for developers. */
  debug: LogFn;
  /** Logs at level info (30): normal events worth keeping. */
  info: LogFn;
  /** Logs at level warn (40): something went wrong and was handled. */
  warn: LogFn;
  /** Logs at level error (50): an operation failed. */
  error: LogFn;
  /** Logs at level fatal (60): the process cannot go on. */
  fatal: LogFn;
}

const ignore: LogFn = () => {};

/** A logger that drops everything: the default wherever a logger is optional. */
export const noopLogger: LoggerLike = Object.freeze({
  trace: ignore,
  debug: ignore,
  info: ignore,
  warn: ignore,
  error: ignore,
  fatal: ignore,
});
