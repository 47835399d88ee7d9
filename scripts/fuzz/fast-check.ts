// `fast-check` as the fuzz run sees it (scripts/fuzz/vitest.config.ts swaps it in for the
// tests' `import fc from 'fast-check'`): the same library, but `fc.assert` and `fc.check`
// run FC_RUNS_MULTIPLIER (default 100) times the runs each property asks for, and stop a
// property after FUZZ_PROPERTY_SECONDS (default 60) so the whole fuzz run stays bounded in
// time. A property stopped that way says how many runs it reached, and fails under
// FUZZ_STRICT=1. A failure still reports its seed and counterexample.
import fc from 'fast-check';

const multiplier = Number(process.env.FC_RUNS_MULTIPLIER ?? 100);
const limitMs = Number(process.env.FUZZ_PROPERTY_SECONDS ?? 60) * 1000;

// biome-ignore lint/suspicious/noExplicitAny: fast-check's parameters are generic per property.
type Params = any;

/** The property's own parameters, with runs multiplied and a time limit per property. */
export function scaled(params: Params): Params {
  announce();
  const base = params?.numRuns ?? fc.readConfigureGlobal().numRuns ?? 100;
  return {
    ...params,
    numRuns: Math.max(1, Math.round(base * multiplier)),
    interruptAfterTimeLimit: params?.interruptAfterTimeLimit ?? limitMs,
    markInterruptAsFailure: false,
  };
}

const strict = process.env.FUZZ_STRICT === '1';

/** Throws for a failed property (fast-check's own report) or, under FUZZ_STRICT, a stopped one. */
function judge(details: fc.RunDetails<unknown>, target: number): void {
  if (details.failed) throw new Error(fc.defaultReportMessage(details) ?? 'Property failed');
  if (details.interrupted) {
    const message = `fast-check: property stopped after ${details.numRuns} of ${target} runs (time limit ${limitMs / 1000} s)`;
    if (strict) throw new Error(`${message}; FUZZ_STRICT=1 requires every run`);
    console.warn(message);
  }
}

function assertScaled(property: Params, params?: Params): unknown {
  const settings = scaled(params);
  const details = fc.check(property, settings) as fc.RunDetails<unknown> | Promise<fc.RunDetails<unknown>>;
  if (details instanceof Promise) return details.then((done) => judge(done, settings.numRuns));
  judge(details, settings.numRuns);
  return undefined;
}

const fuzz: typeof fc = {
  ...fc,
  assert: assertScaled as typeof fc.assert,
  check: ((property: Params, params?: Params) => fc.check(property, scaled(params))) as typeof fc.check,
};

let announced = false;
function announce(): void {
  if (announced) return;
  announced = true;
  console.info(`fast-check: ${multiplier}× runs per property, at most ${limitMs / 1000} s each`);
}

export default fuzz;
