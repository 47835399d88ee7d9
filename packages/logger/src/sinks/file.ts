import {
  closeSync,
  createReadStream,
  createWriteStream,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  unlinkSync,
} from 'node:fs';
import { open as openFile, rename, rm, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { type Clock, systemClock } from '@ballast/core';
import { integerOption, invalidOption, sizeOption } from '@ballast/errors';
import { createBatcher, fdWriter } from '../internal/batch.js';
import { flushOnExit } from '../internal/exit.js';
import { booleanOption, optionsObject } from '../internal/options.js';
import { checkSinkLevel } from './check.js';
import {
  COMPRESS_TEMP_SUFFIX,
  nextRotation,
  parseInterval,
  type RotationInterval,
  rotatedGenerations,
  unfinishedCompression,
} from './rotation.js';
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
  let size = fstatSync(fd).size;
  const present = readdirSync(dir);
  let generation = (rotatedGenerations(base, present)[0] ?? 0) + 1;
  let dueAt = interval === undefined ? Number.POSITIVE_INFINITY : nextRotation(clock.now(), interval);
  let compressing: Promise<void> = Promise.resolve();
  let open = true;

  const fail = (error: unknown): void => reportSinkFailure(name, error);
  const batcher = createBatcher({
    write: fdWriter(() => fd),
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
   * Compresses a rotated file to a temp name, syncs and renames it, then deletes
   * the source: at any moment the `.gz` is either absent or complete, and the
   * lines are in the source until it is.
   */
  const gzip = async (file: string): Promise<void> => {
    const temp = `${file}${COMPRESS_TEMP_SUFFIX}`;
    try {
      await pipeline(createReadStream(file), createGzip(), createWriteStream(temp));
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

  const rotateNow = (): void => {
    batcher.flushSync();
    try {
      const rotated = `${path}.${generation++}`;
      closeSync(fd);
      renameSync(path, rotated);
      fd = openSync(path, 'a');
      size = 0;
      if (compress) compressing = compressing.then(() => gzip(rotated));
      prune();
    } catch (error) {
      fail(error);
      try {
        fd = openSync(path, 'a');
      } catch {
        // the failure is already reported; keep writing to the old descriptor
      }
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
          dueAt = nextRotation(now, interval as RotationInterval);
          if (size > 0) rotateNow();
        }
      }
      const bytes = Buffer.byteLength(line);
      if (size > 0 && size + bytes > maxSize) rotateNow();
      size += bytes;
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
