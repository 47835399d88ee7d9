import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module script without declarations
import { quickStartCommands } from '../quick-start.mjs';

const root = new URL('../../', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');
const ci = readFileSync(new URL('.ci/run', root), 'utf8');

/** The body of the README section that starts with `## <title>`. */
function section(title: string): string {
  const start = readme.indexOf(`## ${title}\n`);
  expect(start, `README has a "${title}" section`).toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n## ', start + 3);
  return readme.slice(start, end === -1 ? undefined : end);
}

describe('README', () => {
  it('starts with exactly two commands: one runs the demo, one runs the tests CI runs', () => {
    const block = /```bash\n([\s\S]*?)```/.exec(section('Quick start'))?.[1] ?? '';
    const commands = block
      .split('\n')
      .map((line) => line.replace(/#.*$/, '').trim())
      .filter(Boolean);
    expect(commands).toEqual([
      'npx -y pnpm@10 install && npx -y pnpm@10 demo',
      'npx -y pnpm@10 install && npx -y pnpm@10 test',
    ]);
    // CI runs exactly these lines, extracted from this block, before anything is built.
    expect(quickStartCommands(readme)).toEqual([
      'npx -y pnpm@10 install && npx -y pnpm@10 demo   # install and run the demo',
      'npx -y pnpm@10 install && npx -y pnpm@10 test   # install and run every test',
    ]);
    expect(ci).toMatch(/^node scripts\/quick-start\.mjs$/m);
  });

  it('links only to files that exist', () => {
    const links = [...readme.replace(/```[\s\S]*?```/g, '').matchAll(/\]\(([^)\s#]+)[^)]*\)/g)]
      .map((m) => m[1] as string)
      .filter((link) => !/^[a-z]+:/.test(link));
    expect(links.length).toBeGreaterThan(15);
    expect(links.filter((link) => !existsSync(new URL(link, root)))).toEqual([]);
  });

  it('composes only functions the packages export', () => {
    const snippet = /```ts\n([\s\S]*?)```/.exec(section('Compose it yourself'))?.[1] ?? '';
    const imports = [...snippet.matchAll(/import \{([^}]+)\} from '@ballast\/([a-z]+)'/g)];
    expect(imports.length).toBeGreaterThanOrEqual(4);
    for (const [, names, pkg] of imports) {
      const index = readFileSync(new URL(`packages/${pkg}/src/index.ts`, root), 'utf8');
      for (const name of (names as string).split(',').map((n) => n.trim())) {
        expect(index, `@ballast/${pkg} exports ${name}`).toMatch(new RegExp(`\\b${name}\\b`));
      }
    }
  });
});
