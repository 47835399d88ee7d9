import { closeSync, linkSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';

/**
 * A lock held only while a rotation renames files: how long before a lock whose holder
 * never released it (it crashed mid-rotation) is taken over. A rotation holds the
 * lock for a few system calls, so a lock this old is abandoned.
 */
export const STALE_LOCK_MS = 10_000;

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Tries once to take the rotation lock `lockPath`, a file created with `O_EXCL` so
 * that of several processes rotating the same log at most one holds it. Returns the
 * release function, or `undefined` when another process holds the lock (the caller
 * skips this rotation and tries again later).
 *
 * A lock older than `staleMs` (by its mtime, against `now`) was left by a process that
 * died while rotating: it is moved aside under a name of our own and deleted, but only
 * when the file moved is the one found stale (same inode); a fresh lock moved by
 * mistake is put back. Never waits.
 *
 * @throws the file-system error when the lock cannot be created for another reason
 * (no permission, a missing folder).
 */
export function tryRotationLock(
  lockPath: string,
  now: number = Date.now(),
  staleMs: number = STALE_LOCK_MS,
): (() => void) | undefined {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      return () => {
        try {
          unlinkSync(lockPath);
        } catch {
          // taken over as stale and deleted by another process: nothing to release
        }
      };
    } catch (error) {
      if (code(error) !== 'EEXIST') throw error;
    }
    if (attempt === 1 || !takeOverStale(lockPath, now, staleMs)) return undefined;
  }
  return undefined;
}

/** Deletes `lockPath` when it is older than `staleMs`; true when the way is free to try again. */
function takeOverStale(lockPath: string, now: number, staleMs: number): boolean {
  let found: { ino: number; mtimeMs: number };
  try {
    found = statSync(lockPath);
  } catch {
    return true; // released meanwhile
  }
  if (now - found.mtimeMs < staleMs) return false;
  const aside = `${lockPath}.${process.pid}.stale`;
  try {
    renameSync(lockPath, aside);
  } catch {
    return true; // another process took it over first
  }
  let moved: number | undefined;
  try {
    moved = statSync(aside).ino;
  } catch {
    moved = undefined;
  }
  if (moved !== found.ino) {
    // A fresh lock was taken between our stat and our rename: give it back.
    try {
      linkSync(aside, lockPath);
    } catch {
      // a newer lock is there already
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    // gone already
  }
  return moved === found.ino;
}
