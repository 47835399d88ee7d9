import type {
  Attributes,
  Counter,
  Histogram,
  Meter,
  MeterProvider,
  ObservableCounter,
  ObservableGauge,
  ObservableResult,
  ProxyTracerProvider,
  Span,
  SpanKind,
  SpanStatusCode,
  Tracer,
  TracerProvider,
  UpDownCounter,
} from '@opentelemetry/api';
import { availableOtelApi, loadedOtelApi, type OtelApi, otelApi } from './internal/otel.js';

/** Replaced by the build (tsup `define`) with the package's version; absent when run from source. */
declare const __BALLAST_VERSION__: string | undefined;

/**
 * The instrumentation scope version: this release of `@ballast/core`, which the kit's
 * packages share (they are released together), or `0.0.0-dev` when run from source.
 */
const SCOPE_VERSION = typeof __BALLAST_VERSION__ === 'string' ? __BALLAST_VERSION__ : '0.0.0-dev';

// The values of the API's `SpanStatusCode.ERROR` and `SpanKind.INTERNAL` (fixed by the
// OpenTelemetry specification), so recording an error loads nothing.
const STATUS_ERROR: SpanStatusCode = 2;
const KIND_INTERNAL: SpanKind = 0;

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
  const name = scope(pkg);
  return otelApi().trace.getTracer(name, SCOPE_VERSION);
}

/** The meter named `@ballast/<pkg>`; a no-op meter when no SDK is registered. */
export function getMeter(pkg: string): Meter {
  const name = scope(pkg);
  return otelApi().metrics.getMeter(name, SCOPE_VERSION);
}

/**
 * The `error.type` of an error, as the OpenTelemetry conventions want it: low cardinality.
 * A string `code` (every Ballast error has one, as do Node system errors), else the
 * error's `name`, else `_OTHER`.
 */
export function errorType(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    const name = (error as { name?: unknown }).name;
    if (typeof name === 'string' && name !== '') return name;
  }
  return '_OTHER';
}

/**
 * Marks `span` as failed with `error`: records it as an exception event, sets the
 * `error.type` attribute ({@link errorType}) and the ERROR status. Does not end the span.
 */
export function recordError(span: Span, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  span.recordException(error instanceof Error ? error : message);
  span.setAttribute('error.type', errorType(error));
  span.setStatus({ code: STATUS_ERROR, message });
}

/**
 * Runs `fn` inside an active span: records a thrown error with {@link recordError},
 * ends the span when the promise settles, and returns `fn`'s result. Spans started
 * inside `fn` (an instrumented Redis or HTTP client's) are its children.
 * Use it only around I/O, never on a hot in-memory path.
 *
 * @param kind - the span kind. @defaultValue `SpanKind.INTERNAL`
 */
export async function withSpan<T>(
  tracer: Tracer,
  name: string,
  attributes: Attributes,
  fn: (span: Span) => Promise<T>,
  kind: SpanKind = KIND_INTERNAL,
): Promise<T> {
  return tracer.startActiveSpan(name, { attributes, kind }, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      recordError(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

// ---------------------------------------------------------------------------------------
// Definitions: every span, event and metric of a package, declared once. The code creates
// its instruments from them and `docs/telemetry.md` is generated from them.
// ---------------------------------------------------------------------------------------

/**
 * The kinds of metric instrument a definition can declare. A `gauge` and an
 * `observablecounter` are observable: read at collection time through
 * {@link Telemetry.observe}, so the code they measure pays nothing per event.
 */
export type InstrumentKind = 'counter' | 'updowncounter' | 'histogram' | 'gauge' | 'observablecounter';

/** One metric: what it measures, in which unit, with which attributes. */
export interface MetricDefinition {
  /** The metric name, `ballast.<pkg>.<thing>`. */
  readonly name: string;
  /** The instrument kind; a `gauge` or `observablecounter` is observable (read at collection time). */
  readonly kind: InstrumentKind;
  /** The UCUM unit: `s` for durations, `{call}`-style annotations for counts. */
  readonly unit: string;
  /** One sentence on what is measured. */
  readonly description: string;
  /** The attribute keys its data points carry. */
  readonly attributes: readonly string[];
  /** Explicit histogram bucket boundaries (histograms only). */
  readonly buckets?: readonly number[];
}

/** One span: when it starts and ends, what it carries, which events it may hold. */
export interface SpanDefinition {
  /** The span name. */
  readonly name: string;
  /** The span kind: `client` for calls to a remote service, else `internal`. */
  readonly kind: 'internal' | 'client';
  /** One sentence on what the span covers. */
  readonly description: string;
  /** The attribute keys it carries (`error.type` is added on failure). */
  readonly attributes: readonly string[];
  /** The names of the events it may hold (see the definitions' `events`). */
  readonly events?: readonly string[];
}

/** One span event. */
export interface EventDefinition {
  /** The event name. */
  readonly name: string;
  /** One sentence on when it is added. */
  readonly description: string;
  /** The attribute keys it carries. */
  readonly attributes: readonly string[];
}

/** Every span, event, metric and attribute of one package. */
export interface TelemetryDefinitions<M extends Record<string, MetricDefinition>> {
  /** The bare package name: the scope is `@ballast/<package>`. */
  readonly package: string;
  /** What each attribute key means. */
  readonly attributes: Readonly<Record<string, string>>;
  /** Every span the package starts. */
  readonly spans: readonly SpanDefinition[];
  /** Every span event the package adds, on its own spans or the caller's. */
  readonly events: readonly EventDefinition[];
  /** The metrics, by the key the code uses. */
  readonly metrics: M;
}

/** The instrument created for a metric definition of kind `K`. */
export type InstrumentOf<K extends InstrumentKind> = K extends 'counter'
  ? Counter
  : K extends 'updowncounter'
    ? UpDownCounter
    : K extends 'histogram'
      ? Histogram
      : K extends 'observablecounter'
        ? ObservableCounter
        : ObservableGauge;

/** The instruments of a package, by the keys of its metric definitions. */
export type Instruments<M extends Record<string, MetricDefinition>> = {
  readonly [K in keyof M]: InstrumentOf<M[K]['kind']>;
};

/** Reports the current value(s) of one observed object into a gauge. */
export type GaugeReader<T> = (target: T, result: ObservableResult) => void;

/** A package's telemetry: its definitions, and its tracer and instruments resolved late. */
export interface Telemetry<M extends Record<string, MetricDefinition>> {
  /** The definitions this telemetry was created from (the source of `docs/telemetry.md`). */
  readonly definitions: TelemetryDefinitions<M>;
  /**
   * `false` while no OpenTelemetry provider is registered: the one check a hot path makes
   * before asking for {@link Telemetry.tracer} and {@link Telemetry.instruments}.
   */
  enabled(): boolean;
  /**
   * The package's tracer, or `undefined` while no tracer provider is registered, so a
   * hot path pays one comparison. Resolved again when the global provider changes.
   */
  tracer(): Tracer | undefined;
  /**
   * The package's instruments, or `undefined` while no meter provider is registered.
   * Resolved from the global provider on each call and cached per provider, so an
   * object built before the SDK starts records once it is registered.
   */
  instruments(): Instruments<M> | undefined;
  /**
   * Reports `read(target)` into the gauge (or observable counter) `key` for as long as `target` lives, under
   * whichever meter provider is (or later becomes) registered. Every target shares one
   * callback per gauge and is held weakly; `read` must not close over `target`.
   */
  observe<T extends object>(key: keyof M, target: T, read: GaugeReader<T>): void;
}

/** Where the OpenTelemetry API (1.x) keeps its registered providers; absent until one is registered. */
const OTEL_API = Symbol.for('opentelemetry.js.api.1');
const registry = globalThis as Record<symbol, unknown>;
/** Calls between two looks at the global registry while nothing shows as registered. */
const RECHECK_EVERY = 64;

/** What this module knows of the API's global registry, shared by every package's telemetry. */
let holder: object | undefined;
let proxy: ProxyTracerProvider | undefined;
let countdown = 0;

/** The API's no-op tracer provider (the delegate of a proxy nothing was registered on). */
let noopTracerProvider: TracerProvider | undefined;
/** The constructor of the API's no-op meter. */
let noopMeter: unknown;

/**
 * The API, loaded on the first call, with the no-op objects telemetry compares with;
 * `undefined` while it is still being imported (a runtime that cannot require it).
 */
function api(): OtelApi | undefined {
  const otel = availableOtelApi();
  if (otel !== undefined && noopTracerProvider === undefined) {
    noopTracerProvider = new otel.ProxyTracerProvider().getDelegate();
    noopMeter = otel.createNoopMeter().constructor;
  }
  return otel;
}

/**
 * Whether any OpenTelemetry provider may be registered. The registry holder on `globalThis`
 * is created by the first registration and never removed, so once seen, this is one read.
 * Until then reading `globalThis` on every call would cost more than a whole breaker call
 * (a miss on the global object is a slow lookup), so it watches the API's tracer proxy
 * instead — a tracer provider registered through this copy of the API shows there at once —
 * and looks at `globalThis` itself every {@link RECHECK_EVERY} calls, for a meter provider
 * registered alone or a provider registered through another copy of the API.
 *
 * The API itself is not loaded for this: the proxy is watched once some code in the process
 * has loaded the API (nothing can be registered before), as seen at those looks.
 */
function apiRegistered(): boolean {
  if (holder !== undefined) return true;
  if ((proxy !== undefined && proxy.getDelegate() !== noopTracerProvider) || --countdown <= 0) {
    countdown = RECHECK_EVERY;
    holder = registry[OTEL_API] as object | undefined;
    if (holder === undefined && proxy === undefined) watch();
    return holder !== undefined;
  }
  return false;
}

/** Starts watching the API's tracer proxy, if the API is loaded. */
function watch(): void {
  const otel = loadedOtelApi() === undefined ? undefined : api();
  if (otel === undefined) return;
  const global = otel.trace.getTracerProvider();
  if (global instanceof otel.ProxyTracerProvider) proxy = global;
}

function checkDefinitions(definitions: TelemetryDefinitions<Record<string, MetricDefinition>>): void {
  const prefix = `ballast.${definitions.package}.`;
  for (const [key, metric] of Object.entries(definitions.metrics)) {
    if (!metric.name.startsWith(prefix) || metric.unit === '') {
      throw new TypeError(`Metric "${key}" (${metric.name}) must be named ${prefix}* and have a unit.`);
    }
    for (const attribute of metric.attributes) {
      if (!(attribute in definitions.attributes))
        throw new TypeError(`Metric ${metric.name} uses undocumented attribute "${attribute}".`);
    }
  }
  const events = new Set(definitions.events.map((event) => event.name));
  for (const span of definitions.spans) {
    for (const event of span.events ?? []) {
      if (!events.has(event)) throw new TypeError(`Span ${span.name} names undefined event "${event}".`);
    }
  }
}

/**
 * Builds a package's {@link Telemetry} from its definitions. Nothing is resolved here:
 * the tracer and the instruments come from the global API when first asked for, and
 * again whenever the registered provider changes.
 *
 * @throws TypeError when a metric is misnamed, has no unit or uses an attribute the
 * definitions do not describe, or a span names an undefined event.
 */
export function createTelemetry<const M extends Record<string, MetricDefinition>>(
  definitions: TelemetryDefinitions<M>,
): Telemetry<M> {
  const name = scope(definitions.package);
  checkDefinitions(definitions);
  let tracerProvider: TracerProvider | undefined;
  let tracer: Tracer | undefined;
  let meterProvider: MeterProvider | undefined;
  let instruments: Instruments<M> | undefined;
  const observed = new Map<keyof M, Map<WeakRef<object>, GaugeReader<object>>>();
  const targetsOf = (key: keyof M): Map<WeakRef<object>, GaugeReader<object>> => {
    let targets = observed.get(key);
    if (targets === undefined) {
      targets = new Map();
      observed.set(key, targets);
    }
    return targets;
  };

  const build = (meter: Meter): Instruments<M> => {
    const out: Record<string, unknown> = {};
    for (const [key, metric] of Object.entries(definitions.metrics)) {
      const options = { description: metric.description, unit: metric.unit };
      if (metric.kind === 'counter') out[key] = meter.createCounter(metric.name, options);
      else if (metric.kind === 'updowncounter') out[key] = meter.createUpDownCounter(metric.name, options);
      else if (metric.kind === 'histogram') {
        out[key] = meter.createHistogram(
          metric.name,
          metric.buckets === undefined
            ? options
            : { ...options, advice: { explicitBucketBoundaries: [...metric.buckets] } },
        );
      } else {
        const targets = targetsOf(key);
        const gauge =
          metric.kind === 'gauge'
            ? meter.createObservableGauge(metric.name, options)
            : meter.createObservableCounter(metric.name, options);
        gauge.addCallback((result) => {
          for (const [ref, read] of targets) {
            const target = ref.deref();
            if (target === undefined) targets.delete(ref);
            else read(target, result);
          }
        });
        out[key] = gauge;
      }
    }
    return out as Instruments<M>;
  };

  return {
    definitions,
    enabled: apiRegistered,
    tracer() {
      // Nothing registered with the API at all: the common case without an SDK costs next to nothing.
      if (!apiRegistered()) return undefined;
      const otel = api();
      if (otel === undefined) return undefined;
      const global = otel.trace.getTracerProvider();
      const provider = global instanceof otel.ProxyTracerProvider ? global.getDelegate() : global;
      if (provider === noopTracerProvider) return undefined;
      if (provider !== tracerProvider) {
        tracerProvider = provider;
        tracer = provider.getTracer(name, SCOPE_VERSION);
      }
      return tracer;
    },
    instruments() {
      if (!apiRegistered()) return undefined;
      const provider = api()?.metrics.getMeterProvider();
      if (provider === undefined) return undefined;
      if (provider !== meterProvider) {
        meterProvider = provider;
        const meter = provider.getMeter(name, SCOPE_VERSION);
        instruments = meter.constructor === noopMeter ? undefined : build(meter);
      }
      return instruments;
    },
    observe(key, target, read) {
      targetsOf(key).set(new WeakRef(target), read as GaugeReader<object>);
    },
  };
}
