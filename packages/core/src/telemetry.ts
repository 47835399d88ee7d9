import {
  type Attributes,
  type Meter,
  metrics,
  type Span,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';

/** Replaced by the build (tsup `define`) with the package's version; absent when run from source. */
declare const __BALLAST_VERSION__: string | undefined;

/**
 * The instrumentation scope version: this release of `@ballast/core`, which the kit's
 * packages share (they are released together), or `0.0.0-dev` when run from source.
 */
const SCOPE_VERSION = typeof __BALLAST_VERSION__ === 'string' ? __BALLAST_VERSION__ : '0.0.0-dev';

function scope(pkg: string): string {
  if (!/^[a-z][a-z0-9-]*$/.test(pkg)) {
    throw new TypeError(`Invalid Ballast package name "${pkg}": use the bare name, e.g. 'cache'.`);
  }
  return `@ballast/${pkg}`;
}

/**
 * The tracer named `@ballast/<pkg>` from the global OpenTelemetry API. With no SDK
 * registered it is a no-op tracer whose spans cost next to nothing.
 */
export function getTracer(pkg: string): Tracer {
  return trace.getTracer(scope(pkg), SCOPE_VERSION);
}

/** The meter named `@ballast/<pkg>`; a no-op meter when no SDK is registered. */
export function getMeter(pkg: string): Meter {
  return metrics.getMeter(scope(pkg), SCOPE_VERSION);
}

/**
 * Runs `fn` inside an active span: records a thrown error as an exception with
 * status ERROR, ends the span when the promise settles, and returns `fn`'s result.
 * Use it only around I/O, never on a hot in-memory path.
 */
export async function withSpan<T>(
  tracer: Tracer,
  name: string,
  attributes: Attributes,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: error instanceof Error ? error.message : String(error),
      });
      throw error;
    } finally {
      span.end();
    }
  });
}
