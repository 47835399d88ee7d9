import { writeSync } from 'node:fs';

const pause = new Int32Array(new SharedArrayBuffer(4));

function pushedBack(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EAGAIN' || code === 'EWOULDBLOCK';
}

/**
 * Writes a whole string to a file descriptor synchronously (the audit log's
 * regular file). A non-blocking descriptor that answers EAGAIN is retried after
 * a millisecond rather than dropping the record.
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
      if (!pushedBack(error) || ++spins > 10_000) throw error;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

/** Writes up to `length` bytes of `bytes` from `offset`; returns how many were taken. Throws EAGAIN when full. */
export type WriteBytes = (bytes: Buffer, offset: number, length: number) => number;

/** A write function for a file descriptor. */
export function fdWriter(fd: () => number): WriteBytes {
  return (bytes, offset, length) => writeSync(fd(), bytes, offset, length);
}

/** Options for {@link createBatcher}. */
export interface BatcherOptions {
  /** Hands bytes to the OS. */
  write: WriteBytes;
  /** Told of a write error and of the first line dropped; never throws. */
  onError: (error: unknown) => void;
  /** The line (ending in `\n`) written where `dropped` lines are missing. */
  note: (dropped: number) => string;
  /** Characters gathered before a batch is written without waiting for the next turn. */
  limit?: number;
  /** Bytes kept while the descriptor pushes back; lines pushed past it are dropped and counted. */
  maxBuffer?: number;
  /** How long `flushSync` blocks on a descriptor that takes nothing before it gives up (keeping the bytes). */
  stallTimeout?: number;
}

/** Collects lines and writes them in batches, never blocking the event loop on a slow reader. */
export interface Batcher {
  push(text: string): void;
  /** Writes what the descriptor takes now; the rest is retried on a timer. */
  flush(): void;
  /**
   * Writes everything, blocking while the descriptor pushes back (process exit,
   * fatal lines) until done or `stallTimeout` passes without progress.
   */
  flushSync(): void;
  /**
   * Resolves once nothing is pending (every line written, or dropped and counted), or once
   * the reader took nothing for `stallTimeout` (reported; the bytes stay queued).
   */
  drained(): Promise<void>;
  /** Lines dropped so far (queue full, or a write failed). */
  readonly dropped: number;
}

interface Chunk {
  bytes: Buffer;
  /** A drop note: not counted when it is itself lost. */
  note: boolean;
}

function countLines(bytes: Buffer, from: number): number {
  let count = 0;
  for (let i = bytes.indexOf(10, from); i !== -1; i = bytes.indexOf(10, i + 1)) count++;
  return count;
}

const MAX_RETRY_DELAY = 50;

/**
 * Batches lines off the hot path: they are joined in memory and written once per
 * event-loop turn (or at once past `limit` characters), so a burst of log calls
 * costs one system call. Writes are synchronous, so a synchronous flush can always
 * finish the job (nothing is in flight in a thread pool on `process.exit`).
 *
 * When the descriptor pushes back (EAGAIN: a pipe whose reader is slow or paused),
 * the unwritten bytes stay queued and are retried on a short timer (1 ms doubling
 * to 50 ms) instead of blocking the event loop; later lines queue behind them.
 * Past `maxBuffer` queued bytes, new lines are dropped and counted, and the first
 * failure is reported through `onError`; once lines are accepted again (or the
 * queue empties) a note saying how many lines were dropped is written where they
 * are missing. A write error other than EAGAIN drops what is queued, counted the
 * same way.
 */
export function createBatcher(options: BatcherOptions): Batcher {
  const { write, onError, note, limit = 65_536, maxBuffer = 16 * 1024 * 1024 } = options;
  const stallTimeout = options.stallTimeout ?? 10_000;
  let buffer = '';
  let scheduled = false;
  const chunks: Chunk[] = [];
  let head = 0;
  let queuedBytes = 0;
  let retry: NodeJS.Timeout | undefined;
  let delay = 1;
  let missing = 0;
  let dropped = 0;
  let waiters: Array<() => void> = [];
  /** When the descriptor last took bytes, or a waiter started waiting (for `drained`). */
  let progressAt = 0;

  const take = (): void => {
    if (buffer === '') return;
    const bytes = Buffer.from(buffer);
    buffer = '';
    chunks.push({ bytes, note: false });
    queuedBytes += bytes.length;
  };

  const addNote = (): void => {
    take();
    const bytes = Buffer.from(note(missing));
    missing = 0;
    chunks.push({ bytes, note: true });
    queuedBytes += bytes.length;
  };

  /** Counts lost lines; the first loss of an episode is reported. */
  const lose = (count: number, error: () => unknown): void => {
    if (missing === 0) onError(error());
    missing += count;
    dropped += count;
  };

  /** Writes queued chunks until done, pushed back, or failed. */
  const writeQueued = (): 'done' | 'blocked' | 'failed' => {
    while (chunks.length > 0) {
      const chunk = chunks[0] as Chunk;
      let written: number;
      try {
        written = write(chunk.bytes, head, chunk.bytes.length - head);
      } catch (error) {
        if (pushedBack(error)) return 'blocked';
        let lost = 0;
        for (let i = 0; i < chunks.length; i++) {
          const c = chunks[i] as Chunk;
          if (!c.note) lost += countLines(c.bytes, i === 0 ? head : 0);
        }
        chunks.length = 0;
        head = 0;
        queuedBytes = 0;
        lose(lost, () => error);
        return 'failed';
      }
      if (written <= 0) return 'blocked';
      progressAt = Date.now();
      head += written;
      queuedBytes -= written;
      if (head >= chunk.bytes.length) {
        chunks.shift();
        head = 0;
      }
    }
    return 'done';
  };

  const settle = (): void => {
    delay = 1;
    if (retry !== undefined) {
      clearTimeout(retry);
      retry = undefined;
    }
    if (buffer === '' && chunks.length === 0 && waiters.length > 0) {
      const resolve = waiters;
      waiters = [];
      for (const fn of resolve) fn();
    }
  };

  /** Releases `drained()` waiters when the reader took nothing for `stallTimeout` (the bytes stay queued). */
  const giveUpWaiting = (): void => {
    if (waiters.length === 0 || Date.now() - progressAt < stallTimeout) return;
    onError(
      new Error(`the reader took nothing for ${stallTimeout} ms; ${queuedBytes} bytes are still queued`),
    );
    const resolve = waiters;
    waiters = [];
    for (const fn of resolve) fn();
  };

  const scheduleRetry = (): void => {
    if (retry !== undefined) return;
    // Unreferenced: a reader that never reads must not keep the process alive; on exit,
    // flushSync still writes what it can.
    retry = setTimeout(() => {
      retry = undefined;
      flush();
      if (retry !== undefined) giveUpWaiting();
    }, delay).unref();
    delay = Math.min(delay * 2, MAX_RETRY_DELAY);
  };

  const flush = (): void => {
    scheduled = false;
    take();
    let outcome = writeQueued();
    // Lines were dropped while the queue was full and nothing came after them: say so now.
    if (outcome === 'done' && missing > 0) {
      addNote();
      outcome = writeQueued();
    }
    if (outcome === 'blocked') scheduleRetry();
    else settle();
  };

  const slowPush = (text: string): void => {
    if (chunks.length > 0 && queuedBytes + buffer.length + text.length > maxBuffer) {
      lose(
        1,
        () =>
          new Error(
            `the reader is not keeping up: ${queuedBytes + buffer.length} bytes queued (maxBuffer ${maxBuffer}); dropping lines until it catches up`,
          ),
      );
      return;
    }
    if (missing > 0) addNote();
    buffer += text;
    if (!scheduled && retry === undefined) {
      scheduled = true;
      setImmediate(flush);
    }
  };

  /** Writes the queue, blocking while the descriptor pushes back, until done or stalled. */
  const writeBlocking = (): 'done' | 'failed' | 'stalled' => {
    let progressAt = Date.now();
    for (;;) {
      const before = queuedBytes;
      const outcome = writeQueued();
      if (outcome !== 'blocked') return outcome;
      const now = Date.now();
      if (queuedBytes < before) progressAt = now;
      else if (now - progressAt >= stallTimeout) return 'stalled';
      Atomics.wait(pause, 0, 0, 1);
    }
  };

  return {
    push(text) {
      // A descriptor pushing back, or a gap to report: the retry timer writes.
      if (chunks.length > 0 || missing > 0) {
        slowPush(text);
        return;
      }
      buffer += text;
      if (buffer.length >= limit) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
    flushSync() {
      take();
      let outcome = writeBlocking();
      if (outcome === 'done' && missing > 0) {
        addNote();
        outcome = writeBlocking();
      }
      if (outcome !== 'stalled') {
        settle();
        return;
      }
      onError(
        new Error(`the reader took nothing for ${stallTimeout} ms; ${queuedBytes} bytes are still queued`),
      );
      scheduleRetry();
    },
    drained() {
      flush();
      if (buffer === '' && chunks.length === 0) return Promise.resolve();
      if (waiters.length === 0) progressAt = Date.now();
      return new Promise<void>((resolve) => waiters.push(resolve));
    },
    get dropped() {
      return dropped;
    },
  };
}
