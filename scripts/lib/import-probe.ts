import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** True when a path holds `node_modules/<name>/`, or a specifier is `<name>` or `<name>/…`. */
export function mentions(pathOrSpecifier: string, name: string): boolean {
  const normalized = pathOrSpecifier.replaceAll('\\', '/');
  return (
    normalized === name || normalized.startsWith(`${name}/`) || normalized.includes(`/node_modules/${name}/`)
  );
}

// Runs in Node's module-hooks thread: records every specifier the ESM loader resolves.
const HOOK = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  appendFileSync(process.env.BALLAST_IMPORT_LOG, specifier + '\\n');
  return next(specifier, context);
}`;

/**
 * Every module specifier resolved and every CommonJS file loaded when a fresh Node process
 * imports (`esm`) or requires (`cjs`) `file` — and nothing else: no call is made into it.
 */
export function loadedAtImport(file: string, format: 'esm' | 'cjs'): string[] {
  const scratch = mkdtempSync(join(tmpdir(), 'ballast-probe-'));
  const log = join(scratch, 'resolved.log');
  writeFileSync(log, '');
  const probe =
    format === 'esm'
      ? `import { register, createRequire } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOK)}));
await import(${JSON.stringify(pathToFileURL(file).href)});
const require = createRequire(import.meta.url);
console.log(JSON.stringify(Object.keys(require.cache)));`
      : `require(${JSON.stringify(file)});
console.log(JSON.stringify(Object.keys(require.cache)));`;
  try {
    const stdout = execFileSync(
      process.execPath,
      format === 'esm' ? ['--input-type=module', '-e', probe] : ['-e', probe],
      { cwd: dirname(file), env: { ...process.env, BALLAST_IMPORT_LOG: log }, encoding: 'utf8' },
    );
    const cached = JSON.parse(stdout.trim().split('\n').at(-1) ?? '[]') as string[];
    const resolved = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    return [...resolved, ...cached];
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
