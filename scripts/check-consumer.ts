// A TypeScript consumer without ioredis: the built packages (run `pnpm build` first) are
// copied into a fresh project whose node_modules holds them, @opentelemetry/api (a required
// peer) and @types/node, and nothing else: no ioredis, no frameworks. It must typecheck
// under `strict` with `skipLibCheck: false` (a public .d.ts naming ioredis, an optional
// peer, would fail with TS2307), then run a memory-only composition.
//
//   pnpm check:consumer
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const PACKAGES = ['core', 'redact', 'errors', 'resilience', 'cache', 'logger', 'health'];
const dir = mkdtempSync(join(tmpdir(), 'ballast-consumer-'));

try {
  const modules = join(dir, 'node_modules');
  for (const name of PACKAGES) {
    const from = join(root, 'packages', name);
    if (!existsSync(join(from, 'dist')))
      throw new Error(`packages/${name}/dist is missing; run \`pnpm build\` first.`);
    const to = join(modules, '@ballast', name);
    mkdirSync(to, { recursive: true });
    cpSync(join(from, 'dist'), join(to, 'dist'), { recursive: true });
    cpSync(join(from, 'package.json'), join(to, 'package.json'));
    // Its production dependencies other than Ballast's own (lru-cache…), as an install would add.
    const manifest = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    for (const dep of Object.keys(manifest.dependencies ?? {})) {
      if (dep.startsWith('@ballast/') || existsSync(join(modules, dep))) continue;
      cpSync(join(from, 'node_modules', dep), join(modules, dep), { recursive: true, dereference: true });
    }
  }
  for (const dep of ['@opentelemetry/api', '@types/node']) {
    cpSync(join(root, 'node_modules', dep), join(modules, dep), { recursive: true, dereference: true });
  }
  // @types/node's own dependency, beside it in pnpm's store.
  const undici = join(realpathSync(join(root, 'node_modules', '@types', 'node')), '..', '..', 'undici-types');
  cpSync(undici, join(modules, 'undici-types'), { recursive: true, dereference: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        skipLibCheck: false,
        noEmit: true,
        types: ['node'],
      },
      include: ['main.ts'],
    }),
  );
  writeFileSync(
    join(dir, 'main.ts'),
    `import { createCache, memoryTier } from '@ballast/cache';
import { NotFoundError, toProblemDetails } from '@ballast/errors';
import { createHealth } from '@ballast/health';
import { createLogger } from '@ballast/logger';
import { circuitBreaker, pipeline, retry, timeout } from '@ballast/resilience';

const lines: string[] = [];
const logger = createLogger({ sinks: [{ name: 'memory', write: (line) => lines.push(line) }] });
const cache = createCache({ name: 'consumer', tiers: [memoryTier({ maxEntries: 10 })], ttl: '1m' });
const policy = pipeline(retry({ maxAttempts: 2 }), circuitBreaker({ name: 'db' }), timeout('1s'));
const value = await cache.getOrSet('answer', () => policy.execute(async () => 42));
logger.info({ value }, 'computed');
const health = createHealth({ checks: [{ name: 'cache', run: () => true }] });
const report = await health.check();
const problem = toProblemDetails(new NotFoundError('nothing here'));
await cache.close();
await health.close();
await logger.flush();
console.log(JSON.stringify({ value, health: report.status, problem: problem.status, lines: lines.length }));
`,
  );
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', dir], { stdio: 'inherit' });
  if (existsSync(join(modules, 'ioredis'))) throw new Error('ioredis must not be installed in the consumer');
  // Compile it and run it with Node.
  const outDir = join(dir, 'out');
  execFileSync(process.execPath, [tsc, '-p', dir, '--noEmit', 'false', '--outDir', outDir], {
    stdio: 'inherit',
  });
  const js = join(outDir, 'main.js');
  const out = execFileSync(process.execPath, [js], { cwd: dir, encoding: 'utf8' }).trim();
  const result = JSON.parse(out) as { value: number; health: string; problem: number; lines: number };
  if (result.value !== 42 || result.health !== 'pass' || result.problem !== 404 || result.lines !== 1)
    throw new Error(`the memory-only composition gave ${out}`);
  console.log(`consumer without ioredis: typechecks (strict, skipLibCheck: false) and runs: ${out}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
