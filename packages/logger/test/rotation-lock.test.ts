import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STALE_LOCK_MS, tryRotationLock } from '../src/sinks/rotation-lock.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ballast-rotation-lock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('tryRotationLock', () => {
  it('lets one holder in at a time, and the next one after release', () => {
    const lock = join(dir, 'app.log.lock');
    const release = tryRotationLock(lock);
    expect(release).toBeTypeOf('function');
    expect(tryRotationLock(lock)).toBeUndefined();
    release?.();
    expect(existsSync(lock)).toBe(false);
    const again = tryRotationLock(lock);
    expect(again).toBeTypeOf('function');
    again?.();
    again?.(); // a second release is harmless
  });

  it('takes over a lock older than the stale limit, and only that one', () => {
    const lock = join(dir, 'app.log.lock');
    writeFileSync(lock, '12345\n');
    const { mtimeMs } = statSync(lock);
    expect(tryRotationLock(lock, mtimeMs + STALE_LOCK_MS - 1)).toBeUndefined();
    const release = tryRotationLock(lock, mtimeMs + STALE_LOCK_MS + 1);
    expect(release).toBeTypeOf('function');
    release?.();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('throws what the file system says when the lock cannot be created', () => {
    expect(() => tryRotationLock(join(dir, 'missing', 'app.log.lock'))).toThrow(/ENOENT/);
  });
});
