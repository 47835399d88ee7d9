// Generates docs/errors.md, the error catalogue and troubleshooting guide, from the
// errors every published package registers when its index is imported (defineError and
// the built-ins). `tsx scripts/gen-error-docs.ts` writes it; `--check` exits 1 when the
// committed file is stale (CI). The output is sorted, so it only changes with the errors.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CATEGORIES, type ErrorCategory, type RegisteredError, registeredErrors } from '@ballast/errors';
import { writeOrCheck } from './lib/generated-doc.ts';

const root = new URL('..', import.meta.url).pathname;
const target = join(root, 'docs', 'errors.md');

interface Workspace {
  name: string;
  index: string;
  deps: string[];
}

/** Published packages with a src/index.ts, dependencies first (ties by name) so each code lands with its owner. */
function packagesInDependencyOrder(): Workspace[] {
  const found = new Map<string, Workspace>();
  for (const dir of readdirSync(join(root, 'packages')).sort()) {
    const manifest = join(root, 'packages', dir, 'package.json');
    const index = join(root, 'packages', dir, 'src', 'index.ts');
    if (!existsSync(manifest) || !existsSync(index)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as {
      name: string;
      private?: boolean;
      dependencies?: Record<string, string>;
    };
    if (pkg.private) continue;
    found.set(pkg.name, { name: pkg.name, index, deps: Object.keys(pkg.dependencies ?? {}) });
  }
  const ordered: Workspace[] = [];
  const visiting = new Set<string>();
  const visit = (name: string): void => {
    const ws = found.get(name);
    if (!ws || ordered.includes(ws) || visiting.has(name)) return;
    visiting.add(name);
    for (const dep of [...ws.deps].sort()) visit(dep);
    ordered.push(ws);
  };
  for (const name of [...found.keys()].sort()) visit(name);
  return ordered;
}

/** Imports each package and attributes the codes that appeared during its import to it. */
async function collect(): Promise<Map<string, RegisteredError[]>> {
  const byPackage = new Map<string, RegisteredError[]>();
  // The built-ins registered when this script imported @ballast/errors itself.
  const builtins = registeredErrors();
  byPackage.set('@ballast/errors', builtins);
  const known = new Set(builtins.map((entry) => entry.code));
  for (const ws of packagesInDependencyOrder()) {
    let exports: Record<string, unknown>;
    try {
      exports = (await import(pathToFileURL(ws.index).href)) as Record<string, unknown>;
    } catch (error) {
      throw new Error(`Could not import ${ws.name} (${ws.index}) to collect its errors: ${String(error)}`, {
        cause: error,
      });
    }
    const added = registeredErrors().filter((entry) => !known.has(entry.code));
    for (const entry of added) known.add(entry.code);
    if (added.length > 0) byPackage.set(ws.name, [...(byPackage.get(ws.name) ?? []), ...added]);
    // A class exported with a code that is not in this registry means the package loaded
    // another copy of @ballast/errors: the catalogue would silently miss its errors.
    for (const [name, value] of Object.entries(exports)) {
      const code = typeof value === 'function' ? (value as { code?: unknown }).code : undefined;
      if (typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code) && !known.has(code)) {
        throw new Error(
          `${ws.name} exports ${name} with code ${code}, which is not in the registry: it loaded another copy of @ballast/errors.`,
        );
      }
    }
  }
  return byPackage;
}

const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
const anchor = (code: string): string => code.toLowerCase();

function categoryTable(): string[] {
  const lines = [
    '| Category | HTTP | Retryable | Trips breakers | What the user sees by default |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const [name, spec] of Object.entries(CATEGORIES) as [
    ErrorCategory,
    (typeof CATEGORIES)[ErrorCategory],
  ][]) {
    lines.push(
      `| \`${name}\` | ${spec.status} | ${spec.retryable ? 'yes' : 'no'} | ${spec.clientSide ? 'no' : 'yes'} | ${cell(spec.userMessage)} |`,
    );
  }
  return lines;
}

function entrySection(entry: RegisteredError): string[] {
  const lines = [
    `### \`${entry.code}\``,
    '',
    `\`${entry.name}\` · category \`${entry.category}\` · HTTP ${entry.status} · ${entry.retryable ? 'retryable' : 'not retryable'}`,
    '',
    entry.description ?? CATEGORIES[entry.category].userMessage,
  ];
  if (entry.suggestions.length > 0) {
    lines.push('', 'Try:', ...entry.suggestions.map((s) => `- ${s}`));
  }
  if (entry.docsUrl !== undefined) lines.push('', `More: ${entry.docsUrl}`);
  return lines;
}

/** The whole document as a string: deterministic for a given set of registered errors. */
export function render(byPackage: Map<string, RegisteredError[]>): string {
  const packages = [...byPackage.keys()].sort();
  const lines = [
    '# Error catalogue',
    '',
    '<!-- Generated by `pnpm docs:errors` (scripts/gen-error-docs.ts). Do not edit by hand; CI runs `pnpm docs:errors:check`. -->',
    '',
    'Every error a Ballast package throws is a `BallastError` with a stable `code`. Match on the code',
    '(or `SomeError.is(err)`), never on the message. The category decides the HTTP status, whether a',
    'retry can help and whether a circuit breaker counts the failure; `toUserMessage(err)` prints the',
    "error's suggestions and `toProblemDetails(err)` turns it into an RFC 9457 response.",
    '',
    '## Categories',
    '',
    ...categoryTable(),
    '',
    '## All codes',
    '',
    '| Code | Package | Category | HTTP | Retryable |',
    '| --- | --- | --- | --- | --- |',
  ];
  const all = packages.flatMap((pkg) => byPackage.get(pkg)!.map((entry) => ({ pkg, entry })));
  all.sort((a, b) => a.entry.code.localeCompare(b.entry.code));
  for (const { pkg, entry } of all) {
    lines.push(
      `| [\`${entry.code}\`](#${anchor(entry.code)}) | ${pkg} | \`${entry.category}\` | ${entry.status} | ${entry.retryable ? 'yes' : 'no'} |`,
    );
  }
  for (const pkg of packages) {
    lines.push('', `## ${pkg}`);
    const entries = [...byPackage.get(pkg)!].sort((a, b) => a.code.localeCompare(b.code));
    for (const entry of entries) lines.push('', ...entrySection(entry));
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** The codes listed in a rendered catalogue's "All codes" table. */
function listedCodes(doc: string): Set<string> {
  return new Set([...doc.matchAll(/^\| \[`([A-Z0-9_]+)`\]/gm)].map((match) => match[1]!));
}

/** What differs between the committed and the generated catalogue, for the --check message. */
function staleness(current: string, generated: string): string {
  const before = listedCodes(current);
  const after = listedCodes(generated);
  const added = [...after].filter((code) => !before.has(code)).sort();
  const removed = [...before].filter((code) => !after.has(code)).sort();
  const parts = [];
  if (added.length > 0) parts.push(`not yet documented: ${added.join(', ')}`);
  if (removed.length > 0) parts.push(`no longer registered: ${removed.join(', ')}`);
  return parts.length > 0 ? parts.join('; ') : 'descriptions, suggestions or statuses changed';
}

async function main(): Promise<void> {
  writeOrCheck(target, render(await collect()), 'pnpm docs:errors', staleness);
}

await main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
