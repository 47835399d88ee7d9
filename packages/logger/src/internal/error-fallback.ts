/**
 * A minimal Error-to-object conversion used until `serializeError` of
 * `@ballast/errors` is available: type, message, stack, own enumerable fields,
 * `cause` and AggregateError's `errors`. Nested errors are converted by the
 * serializer as it meets them, which also guards cause cycles.
 */
export function errorToObject(err: Error): Record<string, unknown> {
  const out: Record<string, unknown> = {
    type: err.name || err.constructor?.name || 'Error',
    message: err.message,
  };
  for (const key of Object.keys(err)) {
    if (!(key in out)) out[key] = (err as unknown as Record<string, unknown>)[key];
  }
  if (err.stack !== undefined) out.stack = err.stack;
  if (err.cause !== undefined) out.cause = err.cause;
  if (err instanceof AggregateError) out.errors = err.errors;
  return out;
}
