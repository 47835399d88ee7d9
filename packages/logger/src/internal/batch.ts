import { writeSync } from 'node:fs';

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes a whole string to a file descriptor synchronously. A non-blocking pipe
 * (stdout to a slow reader) answers EAGAIN when full: wait a millisecond and
 * retry rather than drop the line.
 */
export function writeFully(fd: number, text: string): void {
  const bytes = Buffer.from(text);
  let offset = 0;
  let spins = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset, bytes.length - offset);
      spins = 0;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN' || ++spins > 10_000) throw error;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

/** Collects lines and hands them to `drain` in batches. */
export interface Batcher {
  push(text: string): void;
  /** Drains what is pending, now. */
  flush(): void;
  /** Characters pending. */
  readonly pending: number;
}

/**
 * Batches lines off the hot path: they are joined in memory and drained once per
 * event-loop turn (or at once past `limit` characters), so a burst of log calls
 * costs one system call, and a synchronous `flush()` can always finish the job
 * (on `process.exit` nothing is in flight in a thread pool).
 */
export function createBatcher(
  drain: (text: string) => void,
  onError: (error: unknown) => void,
  limit = 65_536,
): Batcher {
  let buffer = '';
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (buffer === '') return;
    const text = buffer;
    buffer = '';
    try {
      drain(text);
    } catch (error) {
      onError(error);
    }
  };
  return {
    push(text) {
      buffer += text;
      if (buffer.length >= limit) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
    get pending() {
      return buffer.length;
    },
  };
}
