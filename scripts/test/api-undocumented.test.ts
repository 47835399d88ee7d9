import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { undocumentedMembers } from '../lib/undocumented.mjs';

const root = join(import.meta.dirname, '..', '..');

describe('undocumentedMembers', () => {
  it('names top-level declarations, members, call, construct and index signatures', () => {
    const report = [
      '// @public (undocumented)',
      'export function planted(): void;',
      '',
      '// @public',
      'export class Thing {',
      '    // (undocumented)',
      '    readonly code: string;',
      '    /** documented */',
      '    readonly fine: number;',
      '    // (undocumented)',
      '    [BRAND]: true;',
      '    // (undocumented)',
      '    static create(): Thing;',
      '}',
      '',
      '// @public',
      'export interface Shape {',
      '    // (undocumented)',
      '    (value: unknown): void;',
      '    // (undocumented)',
      '    new (message: string): Error;',
      '    // (undocumented)',
      '    [key: string]: unknown;',
      '    // (undocumented)',
      '    optional?: number;',
      '}',
    ].join('\n');
    expect(undocumentedMembers(report)).toEqual([
      'planted',
      'Thing.code',
      'Thing.[BRAND]',
      'Thing.create',
      'Shape.(call)',
      'Shape.(construct)',
      'Shape.(index)',
      'Shape.optional',
    ]);
  });

  it('finds nothing in a report where everything is documented', () => {
    expect(undocumentedMembers('// @public\nexport function add(a: number): number;\n')).toEqual([]);
  });
});

describe('pnpm api:check on a planted undocumented export', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ballast-api-check-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // A copy of the script in a repository of one package, so the real reports stay untouched.
  mkdirSync(join(dir, 'scripts', 'lib'), { recursive: true });
  copyFileSync(join(root, 'scripts', 'api-report.mjs'), join(dir, 'scripts', 'api-report.mjs'));
  copyFileSync(
    join(root, 'scripts', 'lib', 'undocumented.mjs'),
    join(dir, 'scripts', 'lib', 'undocumented.mjs'),
  );
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const pkg = join(dir, 'packages', 'demo');
  mkdirSync(join(pkg, 'dist'), { recursive: true });
  writeFileSync(
    join(pkg, 'package.json'),
    JSON.stringify({
      name: '@demo/pkg',
      version: '1.0.0',
      exports: { '.': { import: { types: './dist/index.d.ts', default: './dist/index.js' } } },
    }),
  );
  const documented = [
    '/** Adds two numbers. */',
    'export declare function add(a: number, b: number): number;',
    '/** A point on a plane. */',
    'export interface Point {',
    '    /** Across. */',
    '    x: number;',
    '}',
  ];
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [join(dir, 'scripts', 'api-report.mjs'), ...args], {
      cwd: dir,
      encoding: 'utf8',
    });

  it('passes when every export is documented', () => {
    writeFileSync(join(pkg, 'dist', 'index.d.ts'), `${documented.join('\n')}\n`);
    expect(run('--update').status).toBe(0);
    const check = run();
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  }, 120_000);

  it('fails naming each undocumented export and member, even with an up-to-date report', () => {
    const planted = [
      ...documented.slice(0, -1),
      '    y: number;',
      '}',
      'export declare const planted: number;',
    ];
    writeFileSync(join(pkg, 'dist', 'index.d.ts'), `${planted.join('\n')}\n`);
    const update = run('--update');
    expect(update.status).toBe(0);
    expect(update.stderr).toContain('Point.y is public but undocumented');
    const check = run();
    expect(check.status).toBe(1);
    expect(check.stderr).toContain('api: @demo/pkg: planted is public but undocumented (etc/demo.api.md).');
    expect(check.stderr).toContain('api: @demo/pkg: Point.y is public but undocumented (etc/demo.api.md).');
    expect(check.stderr).not.toContain('Point.x');
  }, 120_000);
});
