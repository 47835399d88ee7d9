import { formatDuration } from '@ballast/core';
import { CATEGORIES } from './categories.js';
import { type Redaction, resolveRedactor } from './internal/redaction.js';
import { normalizeError } from './normalize-error.js';

/** Options for {@link toUserMessage}. */
export interface UserMessageOptions {
  /**
   * Add the developer message (`connect ECONNREFUSED 127.0.0.1:6379`) after the user
   * message. Operators of a CLI usually want it; end users of a service do not.
   * @defaultValue `true`, except for `internal` errors (bugs), whose message is not for users
   */
  showMessage?: boolean;
  /**
   * Redacts the developer message and suggestions through `@ballast/redact` (a
   * redactor, `RedactOptions`, `true` for the default keys and patterns, or `false`):
   * error messages carry URLs with credentials and tokens. When redaction fails, the
   * developer message and suggestions are left out (fail closed).
   * @defaultValue `true`
   */
  redact?: Redaction;
  /**
   * Indentation of the "Try:" list items.
   * @defaultValue `'  '`
   */
  indent?: string;
}

function sentence(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return trimmed;
  return /[.!?…:)]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/**
 * A message a person can act on, for CLIs and terminals: the user message, the
 * developer message in parentheses (see `showMessage`), then "Try:" with the
 * suggestions (a wait for rate-limited errors; the category's default suggestions,
 * `CATEGORIES[category].suggestions`, when the error has none) and "See:" with the docs link.
 *
 * @example
 * console.error(toUserMessage(err));
 * // A service we depend on could not be reached; please try again. (connect ECONNREFUSED 127.0.0.1:6379)
 * // Try:
 * //   - Check that the service at 127.0.0.1:6379 is running and accepts connections.
 * //   - Retry in a moment; the failure may be transient.
 */
export function toUserMessage(error: unknown, options: UserMessageOptions = {}): string {
  const err = normalizeError(error);
  const indent = options.indent ?? '  ';
  const showMessage = options.showMessage ?? err.category !== 'internal';
  const head = sentence(err.userMessage);
  const message = err.message.trim();
  const shown = showMessage && message !== '' && sentence(message) !== head;
  let extra: string | undefined;
  let tries: string[];
  try {
    const redactor = resolveRedactor(options.redact, true);
    const scrub = (text: string): string => (redactor === undefined ? text : String(redactor(text)));
    extra = shown ? scrub(message) : undefined;
    tries = err.suggestions.map(scrub);
  } catch {
    // Fail closed: what cannot be redacted is not printed.
    extra = undefined;
    tries = [];
  }
  const lines = [extra === undefined ? head : `${head} (${extra})`];
  const waits = err.retryAfterMs !== undefined && err.retryAfterMs > 0;
  if (waits) {
    const ms = Math.min(err.retryAfterMs!, Number.MAX_SAFE_INTEGER);
    // Whole seconds read better than "1m30s500ms", and rounding up never invites an early retry.
    const wait = ms >= 1000 ? Math.ceil(ms / 1000) * 1000 : Math.ceil(ms);
    tries.unshift(`Wait ${formatDuration(wait)} before trying again.`);
  } else if (err.suggestions.length === 0) {
    // Fixed sentences with nothing to redact, so they stand even when redaction failed.
    tries = [...CATEGORIES[err.category].suggestions];
  }
  if (tries.length > 0) {
    lines.push('Try:');
    for (const suggestion of tries) lines.push(`${indent}- ${sentence(suggestion)}`);
  }
  if (err.docsUrl !== undefined) lines.push(`See: ${err.docsUrl}`);
  return lines.join('\n');
}
