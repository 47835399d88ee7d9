import {
  closeSync,
  createReadStream,
  createWriteStream,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import { open as openFile, rename, rm, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { type Clock, systemClock } from '@ballast/core';
import { integerOption, invalidOption, sizeOption } from '@ballast/errors';
import { createBatcher, fdWriter } from '../internal/batch.js';
import { flushOnExit } from '../internal/exit.js';
import { booleanOption, optionsObject } from '../internal/options.js';
import { checkSinkLevel } from './check.js';
import {
  compressTempName,
  nextRotation,
  parseInterval,
  type RotationInterval,
  rotatedGenerations,
  unfinishedCompression,
} from './rotation.js';
import { tryRotationLock } from './rotation-lock.js';
import { type LogSink, reportSinkFailure, type SinkOptions } from './sink.js';
import { dropNote } from './stdout.js';

/** When and how {@link fileSink} rotates its file. */
export interface RotateOptions {
  /** Rotate before a line would take the file past this size (`'100MB'`, `'512KB'` or bytes; binary units, `'1KB'` is 1024 bytes). */
  size?: number | string;
  /** Rotate at each UTC hour or midnight, or every given duration (`'6h'`). */
  interval?: RotationInterval;
  /**
   * How many rotated files to keep; older ones are deleted.
   * @defaultValue `10`
   */
  keep?: number;
  /**
   * Gzip each rotated file (`app.log.3.gz`) in the background. The gzip is written
   * to `app.log.3.gz.tmp`, synced and renamed, and only then is `app.log.3`
   * deleted, so a crash never leaves a partial `.gz`; on start-up, temp files of an
   * interrupted compression are deleted and rotated files still uncompressed are
   * compressed.
   * @defaultValue `false`
   */
  compress?: boolean;
}

/** Options for {@link fileSink}. */
export interface FileSinkOptions extends SinkOptions {
  /** The file to append to; its folder is created when missing. */
  path: string;
  /** Rotation by size and/or interval; without it the file only grows. */
  rotate?: RotateOptions;
  /**
   * The time source for interval rotation.
   * @defaultValue `systemClock`
   */
  clock?: Clock;
}

const FILE_KEYS = ['level', 'path', 'rotate', 'clock'] as const satisfies ReadonlyArray<
  keyof FileSinkOptions
>;
const ROTATE_KEYS = ['size', 'interval', 'keep', 'compress'] as const satisfies ReadonlyArray<
  keyof RotateOptions
>;

/**
 * Appends NDJSON lines to a file, batched once per event-loop turn and written
 * synchronously, so a rotation happens between two lines and no line is lost or
 * written twice across it, and `process.exit()` loses nothing. Rotated files are
 * `<path>.1`, `<path>.2`… (higher is newer), gzipped when `compress` is set.
 *
 * Several processes may write one rotating file (with the same `rotate` options):
 * rotations take the lock file `<path>.lock` (held only for the renames, taken over
 * after 10 s when its holder died), never overwrite a rotated file, and each process
 * follows another's rotation before its next batch (one `stat` per batch). A file
 * may then end a batch past `size`. Without `rotate` nothing is checked.
 *
 * @throws ConfigurationError when the path cannot be opened for appending, a
 * rotation option is invalid, or an option (or rotation option) is unknown.
 */
export function fileSink(options: FileSinkOptions): LogSink {
  const settings = optionsObject('fileSink', options, FILE_KEYS);
  const { path, clock = systemClock } = settings;
  const rotate = optionsObject('fileSink.rotate', settings.rotate, ROTATE_KEYS);
  if (typeof path !== 'string' || path === '') throw invalidOption('fileSink.path', path, 'a file path');
  const level = checkSinkLevel('fileSink', settings.level);
  const maxSize =
    rotate.size === undefined ? Number.POSITIVE_INFINITY : sizeOption('fileSink.rotate.size', rotate.size, 1);
  const interval =
    rotate.interval === undefined ? undefined : parseInterval('fileSink.rotate.interval', rotate.interval);
  const keep = integerOption('fileSink.rotate.keep', rotate.keep ?? 10, 0);
  const compress = booleanOption('fileSink.rotate.compress', rotate.compress, false);
  const dir = dirname(path);
  const base = basename(path);
  const name = `file:${path}`;

  let fd: number;
  try {
    mkdirSync(dir, { recursive: true });
    fd = openSync(path, 'a');
  } catch (error) {
    throw invalidOption('fileSink.path', path, `a writable file path (${(error as Error).message})`);
  }
  const opened = fstatSync(fd);
  /** The inode this process appends to: another process's rotation shows as a new inode at `path`. */
  let ino = opened.ino;
  /** When this process (re)opened the file it appends to, by `clock`. */
  let openedAt = clock.now();
  /** Bytes in the file at the last look plus this process's writes since; `pending` bytes are not written yet. */
  let known = opened.size;
  let pending = 0;
  const shared = rotate.size !== undefined || interval !== undefined;
  /** Set when the rotation lock was busy: no second attempt before the next batch. */
  let lockBusy = false;
  const present = readdirSync(dir);
  let dueAt = interval === undefined ? Number.POSITIVE_INFINITY : nextRotation(clock.now(), interval);
  let compressing: Promise<void> = Promise.resolve();
  let compressions = 0;
  let open = true;

  const fail = (error: unknown): void => reportSinkFailure(name, error);

  /** Appends to the file now at `path` (after a rotation, by this process or another). */
  const reopen = (): void => {
    const next = openSync(path, 'a');
    closeSync(fd);
    fd = next;
    const stats = fstatSync(fd);
    ino = stats.ino;
    known = stats.size;
    openedAt = clock.now();
  };

  /**
   * Before each batch: follows a rotation by another process writing the same file
   * (the inode at `path` changed, or the file is gone) and learns the file's real size.
   */
  const follow = (): void => {
    lockBusy = false;
    let current: { ino: number; size: number } | undefined;
    try {
      current = statSync(path);
    } catch {
      current = undefined;
    }
    if (current !== undefined && current.ino === ino) {
      known = current.size;
      return;
    }
    try {
      reopen();
    } catch (error) {
      fail(error); // keep appending to the old descriptor; the next batch tries again
    }
  };

  const toFd = fdWriter(() => fd);
  const batcher = createBatcher({
    write: shared
      ? (bytes, offset, length) => {
          if (offset === 0) follow();
          const written = toFd(bytes, offset, length);
          known += written;
          pending = Math.max(0, pending - written);
          return written;
        }
      : toFd,
    onError: fail,
    note: (dropped) => dropNote(name, dropped),
  });
  const unregister = flushOnExit(batcher.flushSync);

  const prune = (): void => {
    for (const old of rotatedGenerations(base, readdirSync(dir)).slice(keep)) {
      for (const file of [`${path}.${old}`, `${path}.${old}.gz`]) {
        try {
          unlinkSync(file);
        } catch {
          // already gone (or being compressed): nothing to delete
        }
      }
    }
  };

  /**
   * Compresses a rotated file to a temp name of this process, syncs and renames it,
   * then deletes the source: at any moment the `.gz` is either absent or complete, and
   * the lines are in the source until it is. A source that grew while it was read (a
   * process that had not yet seen the rotation appended a last batch) is read again.
   */
  const gzip = async (file: string): Promise<void> => {
    const temp = compressTempName(file, ++compressions);
    try {
      for (let round = 0; ; round++) {
        const before = statSync(file).size;
        await pipeline(
          createReadStream(file),
          process.getBuiltinModule('node:zlib').createGzip(),
          createWriteStream(temp),
        );
        if (statSync(file).size !== before && round < 3) continue;
        break;
      }
      const handle = await openFile(temp, 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, `${file}.gz`);
      await unlink(file);
      prune();
    } catch (error) {
      // A failed clean-up is reported, never thrown: it would break every later compression.
      await rm(temp, { force: true }).catch(fail);
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') fail(error);
    }
  };

  // Finish what a previous run left half done (a crash or process.exit() mid-compression).
  // A temp file deleted under another process still compressing only fails that
  // compression (its rename finds nothing), which leaves the source plain: no line is lost.
  const unfinished = unfinishedCompression(base, present);
  for (const temp of unfinished.temps) {
    try {
      unlinkSync(join(dir, temp));
    } catch {
      // gone already
    }
  }
  if (compress) {
    for (const file of unfinished.plain) compressing = compressing.then(() => gzip(join(dir, file)));
  }

  /**
   * Rotates the file, under the rotation lock shared by every process writing it. Skips
   * when another process rotated it first (it is then followed), when it no longer needs
   * rotating, or when the lock is busy (the next batch tries again).
   *
   * @param needed - whether the file, once looked at under the lock, still needs rotating.
   */
  const rotateNow = (needed: () => boolean): void => {
    // Busy (or left by a crashed process): lines batch as usual until the next batch looks again.
    if (lockBusy) return;
    batcher.flushSync();
    pending = 0;
    if (!needed()) return;
    let release: (() => void) | undefined;
    try {
      release = tryRotationLock(`${path}.lock`);
      if (release === undefined) {
        lockBusy = true;
        return;
      }
      follow();
      if (!needed()) return;
      let generation = (rotatedGenerations(base, readdirSync(dir))[0] ?? 0) + 1;
      while (existsSync(`${path}.${generation}`) || existsSync(`${path}.${generation}.gz`)) generation++;
      const rotated = `${path}.${generation}`;
      renameSync(path, rotated);
      reopen();
      if (compress) compressing = compressing.then(() => gzip(rotated));
      prune();
    } catch (error) {
      fail(error);
      follow();
    } finally {
      release?.();
    }
  };

  return {
    name,
    level,
    write(line) {
      if (!open) return;
      if (dueAt !== Number.POSITIVE_INFINITY) {
        const now = clock.now();
        if (now >= dueAt) {
          const boundary = dueAt;
          dueAt = nextRotation(now, interval as RotationInterval);
          // Once per boundary, whichever process gets there first: a file opened since is new.
          rotateNow(() => known > 0 && openedAt < boundary);
        }
      }
      const bytes = Buffer.byteLength(line);
      if (known + pending > 0 && known + pending + bytes > maxSize) {
        rotateNow(() => known > 0 && known + bytes > maxSize);
      }
      pending += bytes;
      batcher.push(line);
    },
    flushSync: batcher.flushSync,
    async flush() {
      await batcher.drained();
      await compressing;
    },
    async close() {
      if (!open) return;
      await batcher.drained();
      if (!open) return;
      open = false;
      unregister();
      closeSync(fd);
      await compressing;
    },
  };
}
