/** A pino-compatible log method: `(obj, msg?, ...args)` or `(msg, ...args)`. */
export interface LogFn {
  (obj: object, msg?: string, ...args: unknown[]): void;
  (msg: string, ...args: unknown[]): void;
}

/**
 * The logger every Ballast package writes to. A pino logger, a `@ballast/logger`
 * logger or any object with these six methods fits.
 */
export interface LoggerLike {
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
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
