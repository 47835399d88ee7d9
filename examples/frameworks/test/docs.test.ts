import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Keeps docs/ honest: metric names exist in the code, links resolve, every package has a guide.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const docs = join(root, 'docs');
const generated = new Set(['benchmarks.md', 'errors.md']);

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(path);
    return entry.name.endsWith('.md') && !(dir === docs && generated.has(entry.name)) ? [path] : [];
  });
}

const pages = markdownFiles(docs).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
const withoutCode = (text: string) => text.replace(/```[\s\S]*?```/g, '');
const packages = readdirSync(join(root, 'packages')).filter((name) => name !== 'test-utils');
const source = packages
  .flatMap((name) => tsSources(join(root, 'packages', name, 'src')))
  .map((path) => readFileSync(path, 'utf8'))
  .join('\n');

function tsSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? tsSources(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('docs/', () => {
  it('names only metrics that the packages emit', () => {
    const named = new Set(
      pages.flatMap(({ text }) =>
        [...text.matchAll(/\bballast\.[a-z]+\.[a-z_.]*[a-z]\b(?![.\w])/g)].map((m) => m[0]),
      ),
    );
    expect(named.size).toBeGreaterThan(5);
    const unknown = [...named].filter((metric) => !source.includes(`'${metric}'`));
    expect(unknown).toEqual([]);
  });

  it('has relative links that resolve', () => {
    const broken = pages.flatMap(({ path, text }) =>
      [...withoutCode(text).matchAll(/\]\(([^)\s]+)\)/g)]
        .map((m) => (m[1] as string).split('#')[0] as string)
        .filter((link) => link !== '' && !/^[a-z]+:/.test(link))
        .filter((link) => !existsSync(resolve(dirname(path), link)))
        .map((link) => `${path.slice(root.length)} → ${link}`),
    );
    expect(broken).toEqual([]);
  });

  it('has a guide per package, linking to its README', () => {
    for (const name of packages) {
      const guide = pages.find(({ path }) => path === join(docs, 'guides', `${name}.md`));
      expect(guide, `docs/guides/${name}.md`).toBeDefined();
      expect(guide?.text).toContain(`packages/${name}/README.md`);
    }
  });
  // The runbooks' format (what fired, impact, how to confirm, mitigations, follow-up) is held by
  // `pnpm observability:check` and scripts/test/observability.test.ts, with every alert's runbook.
});
