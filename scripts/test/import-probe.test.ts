import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadedAtImport, mentions } from '../lib/import-probe.ts';

// A throwaway package tree: a fake `ioredis`, and modules that load it eagerly or lazily.
const dir = mkdtempSync(join(tmpdir(), 'ballast-probe-test-'));
mkdirSync(join(dir, 'node_modules/ioredis'), { recursive: true });
writeFileSync(
  join(dir, 'node_modules/ioredis/package.json'),
  JSON.stringify({ name: 'ioredis', version: '0.0.0', main: 'index.js' }),
);
writeFileSync(join(dir, 'node_modules/ioredis/index.js'), 'exports.Redis = class Redis {};\n');
writeFileSync(join(dir, 'eager.mjs'), "import { Redis } from 'ioredis';\nexport const client = Redis;\n");
writeFileSync(
  join(dir, 'lazy.mjs'),
  "export const connect = async () => (await import('ioredis')).Redis;\nexport const other = 1;\n",
);
writeFileSync(join(dir, 'eager.cjs'), "exports.Redis = require('ioredis').Redis;\n");
writeFileSync(join(dir, 'lazy.cjs'), "exports.connect = () => require('ioredis').Redis;\n");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const loadsIoredis = (file: string, format: 'esm' | 'cjs') =>
  loadedAtImport(join(dir, file), format).some((item) => mentions(item, 'ioredis'));

describe('import probe (size:check)', () => {
  it('sees a module loaded at import time, from ESM and from CommonJS', () => {
    expect(loadsIoredis('eager.mjs', 'esm')).toBe(true);
    expect(loadsIoredis('eager.cjs', 'cjs')).toBe(true);
  });

  it('does not count a module that is only loaded when a function is called', () => {
    expect(loadsIoredis('lazy.mjs', 'esm')).toBe(false);
    expect(loadsIoredis('lazy.cjs', 'cjs')).toBe(false);
  });

  it('matches package names, subpaths and installed paths, not look-alike names', () => {
    expect(mentions('ioredis', 'ioredis')).toBe(true);
    expect(mentions('ioredis/built/utils', 'ioredis')).toBe(true);
    expect(
      mentions('/x/node_modules/.pnpm/ioredis@5.8.0/node_modules/ioredis/built/index.js', 'ioredis'),
    ).toBe(true);
    expect(mentions('@ioredis/commands', 'ioredis')).toBe(false);
    expect(mentions('/x/node_modules/my-ioredis/index.js', 'ioredis')).toBe(false);
  });
});
