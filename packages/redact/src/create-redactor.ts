import { invalidOption } from './internal/configuration-error.js';
import { resolveLimits } from './internal/limit-options.js';
import { compileLiteralPaths } from './internal/path-compiler.js';
import { PathWalker } from './internal/path-walker.js';
import { booleanOption, compileSelection, SELECTION_KEYS } from './internal/selection.js';
import { errorView } from './internal/special.js';
import { type WalkConfig, Walker } from './internal/walker.js';
import type { RedactOptions, Redactor } from './types.js';

const DEFAULT_MAX_DEPTH = 20;

const OPTION_KEYS = [
  ...SELECTION_KEYS,
  'normalize',
  'maxDepth',
  'maxArrayLength',
  'maxKeys',
  'maxStringLength',
  'maxTotalLength',
] as const satisfies ReadonlyArray<keyof RedactOptions>;

const CONTEXT = { owner: 'createRedactor', at: '', valid: OPTION_KEYS, functions: true };

/**
 * Compiles a redactor: a function returning a redacted copy of any value, never
 * mutating it. Paths, key names and value patterns are compiled once, here.
 *
 * By default {@link DEFAULT_KEYS} are redacted at any depth and {@link DEFAULT_PATTERNS}
 * scan every string; the copy is JSON-safe (see `normalize`).
 *
 * @example
 * const redact = createRedactor({ paths: ['req.headers["x-session"]'] });
 * redact({ user: 'ada', password: 'hunter2', note: 'Bearer abc123def456' });
 * // → { user: 'ada', password: '[REDACTED]', note: 'Bearer [REDACTED]' }
 *
 * @throws A `ConfigurationError` (`code: 'INVALID_CONFIGURATION'`, recognised by
 * `isBallastError`) for an invalid option; for a bad path it names the path and position.
 */
export function createRedactor(options: RedactOptions = {}): Redactor {
  const { paths, keys, scanner, censor, remove } = compileSelection(options, CONTEXT);
  const normalize = booleanOption('normalize', options.normalize, keys !== null || scanner !== null);
  const { maxDepth = DEFAULT_MAX_DEPTH } = options;
  if (!Number.isInteger(maxDepth) || maxDepth < 1) {
    throw invalidOption('maxDepth', maxDepth, 'a whole number ≥ 1');
  }
  if (!normalize && (keys !== null || scanner !== null)) {
    throw invalidOption('normalize', false, 'true while keys or patterns are on (they need the full walk)');
  }

  if (!normalize) {
    if (paths === null) return (value) => value;
    const compiled = compileLiteralPaths(paths, censor, remove);
    if (compiled !== undefined) return compiled;
    // A censor function may re-enter this redactor, so it gets a walker (and path) per call.
    if (censor.kind === 'function') return (value) => new PathWalker(paths, censor, remove).run(value);
    const walker = new PathWalker(paths, censor, remove);
    return (value) => walker.run(value);
  }
  const limits = resolveLimits(options, (name, value) => {
    throw invalidOption(name, value, 'a whole number ≥ 1, or Infinity for no limit');
  });
  const config: WalkConfig = {
    paths,
    keys,
    scanner,
    censor,
    remove,
    maxDepth,
    limits,
    json: false,
    describeError: errorView,
  };
  const walker = new Walker(config);
  return (value) => (walker.busy ? new Walker(config).run(value) : walker.run(value));
}
