// One tiny behaviour check per package, run against the built packages (`pnpm build`) by
// `scripts/runtime-smoke.mjs` under Bun and Deno (and Node, as the reference). Plain
// JavaScript, so each runtime runs it as it is; it imports the packages by name, so each
// runtime resolves their `exports` itself (the `import` condition: the dist ESM builds).
// Prints one line per check and exits 1 when any fails.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const results = [];

async function check(name, run) {
  try {
    await run();
    results.push([name, 'ok']);
  } catch (error) {
    results.push([name, `FAILED: ${error?.stack ?? error}`]);
  }
}

function equal(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

await check('@ballast/core: durations, sizes and a manual clock', async () => {
  const { parseDuration, parseSize } = await import('@ballast/core');
  const { ManualClock } = await import('@ballast/core/testing');
  equal(parseDuration('1m30s'), 90_000, 'parseDuration');
  equal(parseSize('2KiB'), 2048, 'parseSize');
  const clock = new ManualClock();
  let fired = 0;
  clock.setTimeout(() => fired++, 1000);
  await clock.advance(1000);
  equal(fired, 1, 'timers fired');
});

await check('@ballast/redact: a secret is censored, a pseudonym is keyed', async () => {
  const { createRedactor, pseudonym } = await import('@ballast/redact');
  const out = createRedactor()({ user: 'ada', password: 'hunter2', url: 'postgres://app:s3cret@db/app' });
  if (JSON.stringify(out).includes('hunter2') || JSON.stringify(out).includes('s3cret'))
    throw new Error(`a secret survived: ${JSON.stringify(out)}`);
  equal(out.user, 'ada', 'innocent field');
  // censor: 'hash' loads node:crypto through process.getBuiltinModule.
  equal(/^\[REDACTED:[0-9a-f]{8}\]$/.test(pseudonym('key', 'ada@example.com')), true, 'pseudonym');
});

await check('@ballast/errors: classes, brand, redacted serialization', async () => {
  const { ConfigurationError, NotFoundError, isBallastError, serializeError } = await import(
    '@ballast/errors'
  );
  const { createRedactor } = await import('@ballast/redact');
  const err = new NotFoundError('User 4 not found', {
    details: { id: 4, token: 'sk_live_abcdef0123456789' },
  });
  equal([isBallastError(err), err.status, err instanceof NotFoundError], [true, 404, true], 'error');
  if (JSON.stringify(serializeError(err)).includes('sk_live_')) throw new Error('token not redacted');
  let thrown;
  try {
    createRedactor({ kyes: ['a'] });
  } catch (error) {
    thrown = error;
  }
  equal(ConfigurationError.is(thrown), true, "redact's ConfigurationError recognised");
});

await check('@ballast/resilience: a retry through a pipeline', async () => {
  const { circuitBreaker, consecutiveFailures, constantBackoff, pipeline, retry, timeout } = await import(
    '@ballast/resilience'
  );
  const breaker = circuitBreaker({ strategy: consecutiveFailures(5), halfOpenAfter: '30s' });
  const policy = pipeline(retry({ maxAttempts: 3, backoff: constantBackoff(0) }), breaker, timeout('2s'));
  let calls = 0;
  const value = await policy.execute(async () => {
    if (++calls < 2) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    return 42;
  });
  equal([value, calls, breaker.state], [42, 2, 'closed'], 'retried');
});

await check('@ballast/cache: get/set in memory, and a file tier', async () => {
  const { createCache, fileTier, memoryTier } = await import('@ballast/cache');
  const cache = createCache({ tiers: [memoryTier({ maxBytes: '1MB' })], ttl: '5m' });
  await cache.set('user:1', { id: 1 });
  equal(await cache.get('user:1'), { id: 1 }, 'memory get');
  let loads = 0;
  await Promise.all([1, 2].map(() => cache.getOrSet('user:2', async () => ({ id: 2, load: ++loads }))));
  equal(loads, 1, 'single flight');
  await cache.close();
  // The file tier loads node:fs through process.getBuiltinModule.
  const dir = await mkdtemp(join(tmpdir(), 'ballast-smoke-'));
  try {
    const onDisk = createCache({ tiers: [fileTier({ dir })], ttl: '5m' });
    await onDisk.set('k', 'v');
    equal(await onDisk.get('k'), 'v', 'file get');
    await onDisk.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

await check('@ballast/logger: a JSON line, redacted', async () => {
  const { createLogger } = await import('@ballast/logger');
  const lines = [];
  const log = createLogger({ name: 'smoke', sinks: [{ name: 'memory', write: (line) => lines.push(line) }] });
  log.info({ userId: 42, password: 'hunter2' }, 'signed in');
  await log.flush();
  const line = JSON.parse(lines[0]);
  equal([line.msg, line.userId, line.name], ['signed in', 42, 'smoke'], 'line');
  if (lines[0].includes('hunter2')) throw new Error('password logged');
});

await check('@ballast/health: a check report', async () => {
  const { createHealth, pingCheck } = await import('@ballast/health');
  const health = createHealth({ checks: [pingCheck('upstream', async () => true)] });
  const report = await health.check();
  equal(report.status, 'pass', 'status');
});

await check('@ballast/http: the adapters load', async () => {
  const http = await import('@ballast/http');
  const node = await import('@ballast/http/node');
  if (Object.keys(http).length === 0 || Object.keys(node).length === 0) throw new Error('empty module');
});

const runtime = globalThis.Deno
  ? `deno ${Deno.version.deno}`
  : globalThis.Bun
    ? `bun ${Bun.version}`
    : `node ${process.version}`;
let failed = 0;
for (const [name, outcome] of results) {
  if (outcome !== 'ok') failed++;
  console.log(
    `${outcome === 'ok' ? '✓' : '✗'} [${runtime}] ${name}${outcome === 'ok' ? '' : `\n  ${outcome}`}`,
  );
}
process.exit(failed === 0 ? 0 : 1);
