import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkCycles, findCycles, importGraph, resolveRelative, sourceRoots } from '../lib/import-cycles.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'ballast-cycles-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Writes `files` (relative path → source) under a fresh folder and returns it. */
function tree(name: string, files: Record<string, string>): string {
  const dir = join(scratch, name);
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), source);
  }
  return dir;
}

/** Runs `scripts/check-cycles.ts` on `dirs`: its exit code and what it printed. */
function check(...dirs: string[]): { code: number; output: string } {
  try {
    const output = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/check-cycles.ts', ...dirs], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { code: 0, output };
  } catch (error) {
    const failed = error as { status: number; stdout: string; stderr: string };
    return { code: failed.status, output: failed.stdout + failed.stderr };
  }
}

describe('import cycle check (check:cycles)', () => {
  it('finds a planted three-file cycle and names the chain through it', () => {
    const dir = tree('planted', {
      'index.ts': "export { a } from './a.js';\n",
      'a.ts': "import { b } from './b.js';\nexport const a = () => b();\n",
      'b.ts': "import { c } from './c.js';\nexport const b = () => c();\n",
      'c.ts': "import type { a } from './a.js';\nexport const c = (): ReturnType<typeof a> | 1 => 1;\n",
      'leaf.ts': "import { a } from './a.js';\nexport const leaf = a;\n",
    });
    const cycles = findCycles(dir);
    expect(cycles).toEqual([{ files: ['a.ts', 'b.ts', 'c.ts'], path: ['a.ts', 'b.ts', 'c.ts', 'a.ts'] }]);
  });

  it('follows re-exports, folder indexes, dynamic imports and extensionless specifiers', () => {
    const dir = tree('kinds', {
      'one.ts': "export * from './sub';\n",
      'sub/index.ts': "export const sub = async () => (await import('../two.js')).two;\n",
      'two.ts': "import { one } from './one';\nexport const two = one;\nexport const one = 1;\n",
      'self.ts': "import { x } from './self.js';\nexport const x = 1;\nexport const y = x;\n",
    });
    const cycles = findCycles(dir);
    expect(cycles.map((cycle) => cycle.files)).toEqual([['one.ts', 'sub/index.ts', 'two.ts'], ['self.ts']]);
    expect(cycles[1]!.path).toEqual(['self.ts', 'self.ts']);
  });

  it('ignores package imports, comments, strings and files outside the folder', () => {
    const dir = tree('quiet', {
      'a.ts': [
        "import { createCache } from '@ballast/cache';",
        "// import { b } from './b.js';",
        'const text = "import { b } from \'./b.js\'";',
        "import { outside } from '../planted/a.js';",
        'export const a = [createCache, text, outside];',
        '',
      ].join('\n'),
      'b.ts': "import { a } from './a.js';\nexport const b = a;\n",
    });
    expect(findCycles(dir)).toEqual([]);
    expect(importGraph(dir).get(join(dir, 'a.ts'))).toEqual([join(scratch, 'planted/a.ts')]);
  });

  it('resolves a `.js` specifier to its TypeScript source, and nothing to a missing file', () => {
    const from = join(scratch, 'planted/index.ts');
    expect(resolveRelative(from, './a.js')).toBe(join(scratch, 'planted/a.ts'));
    expect(resolveRelative(from, './missing.js')).toBeUndefined();
  });

  it('fails listing each cycle, and passes an acyclic folder', () => {
    const failing = checkCycles([join(scratch, 'planted'), join(scratch, 'kinds')], scratch);
    expect(failing.ok).toBe(false);
    expect(failing.report).toContain(
      '3 import cycle(s):\n1. planted/a.ts\n   → planted/b.ts\n   → planted/c.ts\n   → planted/a.ts\n',
    );
    expect(failing.report).toContain('3. kinds/self.ts\n   → kinds/self.ts\n');
    // Files tangled with the shortest chain through them are named too.
    const wide = tree('wide', {
      'a.ts': "import { b } from './b.js';\nexport const a = b;\n",
      'b.ts': "import { a } from './a.js';\nimport { c } from './c.js';\nexport const b = [a, c];\n",
      'c.ts': "import { a } from './a.js';\nexport const c = a;\n",
    });
    expect(checkCycles([wide], scratch).report).toContain(
      "1. wide/a.ts\n   → wide/b.ts\n   → wide/a.ts\n   (the cycle's group: wide/a.ts, wide/b.ts, wide/c.ts)",
    );
    expect(checkCycles([join(scratch, 'quiet')], scratch)).toEqual({
      ok: true,
      report: 'No import cycle in 1 source folder(s).',
    });
  });

  it('exits non-zero from the command line when a folder has a cycle', { timeout: 60_000 }, () => {
    const { code, output } = check(join(scratch, 'planted'), join(scratch, 'quiet'));
    expect(code).toBe(1);
    expect(output).toContain('1 import cycle(s):');
  });

  it("checks every package's and example's src", () => {
    const roots = sourceRoots(root).map((dir) => dir.slice(root.length));
    expect(roots).toContain('packages/cache/src');
    expect(roots).toContain('examples/http-service/src');
    expect(roots.every((dir) => /^(packages|examples)\/[^/]+\/src$/.test(dir))).toBe(true);
  });
});
