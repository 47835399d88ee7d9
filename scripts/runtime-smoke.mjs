#!/usr/bin/env node
// Beyond Node: run after `pnpm build` as `pnpm check:runtimes`.
// 1. Browser: bundles each browser-safe entry (BROWSER below) with esbuild for
//    `platform: 'browser'` and fails when the bundle imports a Node built-in (each is marked
//    external so that it shows in the bundle's imports); then runs the bundle in a bare
//    `node:vm` context holding only web globals (no `process`, `Buffer` or `require`), where
//    each entry's snippet must do its job.
// 2. Two copies: the ESM and the CommonJS builds loaded side by side in Node (a CJS
//    dependency requiring a package the app imports). Errors made by one copy are Ballast
//    errors to the other (the brand), `instanceof` is not shared (the recorded decision,
//    docs/design.md "One context across ESM and CJS"), and the logger's context is one.
// 3. Runtimes: runs scripts/runtime-smoke/checks.mjs (a behaviour check per package, on
//    the built packages) under Node, Bun and Deno. Bun and Deno come from the npm registry
//    (`npm exec --package=bun`, `--package=deno`); when one cannot be had (no network), the
//    script says so and skips it. `--no-download` skips both without trying.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const started = Date.now();
const failures = [];
const fail = (what) => {
  failures.push(what);
  console.log(`✗ ${what}`);
};
const pass = (what) => console.log(`✓ ${what}`);

/**
 * The browser-safe entries, each with a snippet that uses it (the package READMEs and
 * docs/architecture.md "Runtimes" list the same). The snippet resolves `globalThis.result`
 * to a description of what it saw, checked against `expect`.
 */
const BROWSER = {
  '@ballast/core': {
    code: `import { parseDuration, parseSize, systemClock } from '@ballast/core';
      const fired = [];
      systemClock.setTimeout(() => fired.push('kept'), 1).unref();
      systemClock.clearTimeout(systemClock.setTimeout(() => fired.push('cleared'), 1));
      globalThis.result = systemClock.sleep(5).then(() => [parseDuration('1m30s'), parseSize('2KiB'), fired]);`,
    expect: [90_000, 2048, ['kept']],
  },
  '@ballast/core/closest-name': {
    code: `import { closestName } from '@ballast/core/closest-name';
      globalThis.result = Promise.resolve(closestName('tiemout', ['timeout', 'retry']));`,
    expect: 'timeout',
  },
  '@ballast/core/error-base': {
    code: `import { BallastErrorBase } from '@ballast/core/error-base';
      const e = new BallastErrorBase('x', { code: 'X', category: 'internal', status: 500, retryable: false, userMessage: 'u' });
      globalThis.result = Promise.resolve(e.toJSON().code);`,
    expect: 'X',
  },
  '@ballast/redact': {
    code: `import { createRedactor } from '@ballast/redact';
      globalThis.result = Promise.resolve(createRedactor()({ user: 'ada', password: 'hunter2' }));`,
    expect: { user: 'ada', password: '[REDACTED]' },
  },
  '@ballast/errors': {
    code: `import { NotFoundError, isBallastError, serializeError, toProblemDetails } from '@ballast/errors';
      const err = new NotFoundError('User 4 not found', { details: { id: 4, password: 'hunter2' } });
      globalThis.result = Promise.resolve([isBallastError(err), serializeError(err).details, toProblemDetails(err).status]);`,
    expect: [true, { id: 4, password: '[REDACTED]' }, 404],
  },
  '@ballast/resilience (without redisRateLimiter)': {
    code: `import { circuitBreaker, consecutiveFailures, constantBackoff, pipeline, retry, timeout } from '@ballast/resilience';
      const policy = pipeline(retry({ maxAttempts: 3, backoff: constantBackoff(0) }),
        circuitBreaker({ strategy: consecutiveFailures(5), halfOpenAfter: '30s' }), timeout('2s'));
      let calls = 0;
      globalThis.result = policy.execute(async () => {
        if (++calls < 2) throw Object.assign(new Error('reset'), { code: 'ECONNRESET' });
        return calls;
      });`,
    expect: 2,
  },
  '@ballast/cache (memoryTier)': {
    code: `import { createCache, memoryTier } from '@ballast/cache';
      const cache = createCache({ tiers: [memoryTier({ maxBytes: '1MB' })], ttl: '5m' });
      globalThis.result = (async () => {
        await cache.set('user:1', { id: 1 });
        const got = await cache.get('user:1');
        await cache.close();
        return got;
      })();`,
    expect: { id: 1 },
  },
};

const NODE_BUILTINS = builtinModules.flatMap((name) => [name, `node:${name}`]);
const BUILTIN_SET = new Set(NODE_BUILTINS);

/**
 * Web globals a browser (and an edge runtime) has; nothing Node-only. Timers return
 * numbers as a browser's do (no `unref`, `ref` or `hasRef`).
 */
function browserGlobals() {
  const names = [
    'console',
    'crypto',
    'queueMicrotask',
    'TextEncoder',
    'TextDecoder',
    'URL',
    'URLSearchParams',
    'AbortController',
    'AbortSignal',
    'Event',
    'EventTarget',
    'DOMException',
    'performance',
    'structuredClone',
    'atob',
    'btoa',
    'Headers',
    'Request',
    'Response',
    'fetch',
  ];
  const timers = new Map();
  let last = 0;
  const start =
    (schedule) =>
    (callback, ms, ...args) => {
      const id = ++last;
      timers.set(id, schedule(callback, ms, ...args));
      return id;
    };
  const stop = (id) => {
    clearTimeout(timers.get(id));
    timers.delete(id);
  };
  return {
    ...Object.fromEntries(names.map((name) => [name, globalThis[name]])),
    setTimeout: start(setTimeout),
    setInterval: start(setInterval),
    clearTimeout: stop,
    clearInterval: stop,
  };
}

function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

async function browserBundles() {
  console.log('\n-- browser: esbuild --platform=browser, run without Node globals');
  for (const [name, { code, expect }] of Object.entries(BROWSER)) {
    let bundle;
    try {
      bundle = await build({
        stdin: { contents: code, resolveDir: root, loader: 'js', sourcefile: 'smoke.js' },
        bundle: true,
        platform: 'browser',
        format: 'iife',
        write: false,
        metafile: true,
        logLevel: 'silent',
        external: NODE_BUILTINS,
      });
    } catch (error) {
      fail(
        `${name}: does not bundle for the browser: ${error.errors?.map((e) => e.text).join('; ') ?? error}`,
      );
      continue;
    }
    const output = Object.values(bundle.metafile.outputs)[0];
    const builtins = [
      ...new Set(output.imports.filter((imp) => BUILTIN_SET.has(imp.path)).map((imp) => imp.path)),
    ];
    if (builtins.length > 0) {
      const from = Object.entries(bundle.metafile.inputs)
        .filter(([, input]) => input.imports.some((imp) => BUILTIN_SET.has(imp.path)))
        .map(([file]) => file);
      fail(
        `${name}: the browser bundle imports Node built-ins ${builtins.join(', ')} (from ${from.join(', ')})`,
      );
      continue;
    }
    const context = vm.createContext(browserGlobals());
    // A timer callback of the bundle that throws is an uncaught exception of this process.
    let uncaught;
    const onUncaught = (error) => {
      uncaught = error;
    };
    process.on('uncaughtException', onUncaught);
    try {
      vm.runInContext(bundle.outputFiles[0].text, context, { filename: `${name}.browser.js` });
      const result = await vm.runInContext('globalThis.result', context);
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (uncaught !== undefined) throw uncaught;
      if (!same(result, expect))
        throw new Error(`expected ${JSON.stringify(expect)}, got ${JSON.stringify(result)}`);
      pass(
        `${name}: bundles for the browser (${(bundle.outputFiles[0].contents.byteLength / 1024).toFixed(1)} kB, no Node built-in) and runs without Node globals`,
      );
    } catch (error) {
      fail(`${name}: the browser bundle fails without Node globals: ${error?.stack ?? error}`);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  }
}

async function twoCopies() {
  console.log('\n-- two copies: the ESM and CommonJS builds loaded side by side');
  const require = createRequire(join(root, 'package.json'));
  const cjs = require('@ballast/errors');
  const esm = await import('@ballast/errors');
  if (cjs.NotFoundError === esm.NotFoundError) {
    fail('the CommonJS and ESM builds of @ballast/errors loaded as one copy: this check tests nothing');
    return;
  }
  const fromCjs = new cjs.NotFoundError('User 4 not found');
  const facts = {
    isBallastError: esm.isBallastError(fromCjs),
    is: esm.NotFoundError.is(fromCjs),
    problemStatus: esm.toProblemDetails(fromCjs).status,
    serializedCode: esm.serializeError(fromCjs).code,
    instanceofOtherCopy: fromCjs instanceof esm.NotFoundError,
    redactErrorIsConfiguration: (() => {
      try {
        require('@ballast/redact').createRedactor({ kyes: [] });
      } catch (error) {
        return esm.ConfigurationError.is(error);
      }
      return false;
    })(),
  };
  const expected = {
    isBallastError: true,
    is: true,
    problemStatus: 404,
    serializedCode: 'NOT_FOUND',
    instanceofOtherCopy: false,
    redactErrorIsConfiguration: true,
  };
  if (same(facts, expected))
    pass(
      'an error made by the CommonJS copy is a Ballast error to the ESM copy (brand, `is`, problem details); `instanceof` is per copy, as documented',
    );
  else fail(`errors across copies: expected ${JSON.stringify(expected)}, got ${JSON.stringify(facts)}`);

  const cjsLogger = require('@ballast/logger');
  const esmLogger = await import('@ballast/logger');
  const lines = [];
  const log = cjsLogger.createLogger({ sinks: [{ name: 'memory', write: (line) => lines.push(line) }] });
  await esmLogger.withLogContext({ req_id: 'r-1' }, async () => {
    await Promise.resolve();
    log.info('inside');
  });
  const line = JSON.parse(lines[0] ?? '{}');
  if (line.req_id === 'r-1')
    pass(
      "the logger's context is one: a line written by the CommonJS copy inside the ESM copy's withLogContext carries req_id",
    );
  else fail(`logger context across copies: the CommonJS copy's line lacks req_id: ${lines[0]}`);
}

/** The path of a runtime from the npm registry, or undefined (with the reason) when it cannot be had. */
function fromNpm(pkg, printPath) {
  // A cached copy is used without asking the registry; without network, npm gives up fast.
  const npmArgs = ['exec', '-y', '--prefer-offline', '--fetch-retries=0', '--fetch-timeout=20000'];
  const result = spawnSync('npm', [...npmArgs, `--package=${pkg}`, '--', ...printPath], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
  const path = result.stdout?.trim().split('\n').at(-1);
  if (result.status === 0 && path && existsSync(path)) return { path };
  const errors = (result.stderr ?? '')
    .split('\n')
    .filter((line) => /^npm error (code|errno|request|network)/.test(line));
  const reason = result.error?.message ?? errors.slice(0, 2).join(' / ');
  return { reason: reason || `exit ${result.status}` };
}

function runChecks(label, command, args) {
  const result = spawnSync(command, [...args, join(root, 'scripts/runtime-smoke/checks.mjs')], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
  process.stdout.write(result.stdout ?? '');
  if (result.status !== 0)
    fail(`${label}: the behaviour checks failed (exit ${result.status}) ${result.stderr ?? ''}`);
}

function runtimes() {
  console.log('\n-- runtimes: a behaviour check per package on the built packages');
  runChecks('node', process.execPath, []);
  const runtimes = [
    { label: 'bun', pkg: 'bun', printPath: ['bun', '-e', 'console.log(process.execPath)'], args: [] },
    {
      label: 'deno',
      pkg: 'deno',
      printPath: ['deno', 'eval', 'console.log(Deno.execPath())'],
      args: ['run', '-A'],
    },
  ];
  for (const { label, pkg, printPath, args } of runtimes) {
    if (process.argv.includes('--no-download')) {
      console.log(`!! ${label}: skipped (--no-download)`);
      continue;
    }
    const found = fromNpm(pkg, printPath);
    if (found.path === undefined) {
      console.log(
        `!! ${label}: skipped: it could not be had from the npm registry (npm exec --package=${pkg}): ${found.reason}`,
      );
      continue;
    }
    runChecks(label, found.path, args);
  }
}

const unbuilt = readdirSync(join(root, 'packages')).filter(
  (dir) =>
    existsSync(join(root, 'packages', dir, 'tsup.config.ts')) &&
    !existsSync(join(root, 'packages', dir, 'dist/index.js')),
);
if (unbuilt.length > 0) {
  console.error(
    `runtime-smoke: packages/${unbuilt.join(', packages/')} not built; run \`pnpm build\` first.`,
  );
  process.exit(1);
}
await browserBundles();
await twoCopies();
runtimes();
console.log(
  `\nruntime smoke ${failures.length === 0 ? 'passed' : `FAILED (${failures.length})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
process.exit(failures.length === 0 ? 0 : 1);
