import type { Socket } from 'node:net';
import type { Clock, TimerHandle } from '@ballast/core';
import { reportProblem } from '../internal/report.js';
import { frameOctetCounted } from './rfc5424.js';
import { type LogSink, reportSinkFailure, type SinkOptions } from './sink.js';

/** What a stream syslog sink needs: the settled options and a way to open a connection. */
export interface StreamConfig {
  name: string;
  level: SinkOptions['level'];
  clock: Clock;
  maxBuffer: number;
  firstDelay: number;
  maxDelay: number;
  flushTimeout: number;
  message: (line: string, lv: number) => string;
  connect: () => Socket;
}

/**
 * A syslog sink over a stream socket (TCP or unix), octet-counted. Lines queue (up to
 * `maxBuffer`, oldest dropped) while the connection is down or pushing back; it reconnects
 * with exponential backoff; `flush()` and `close()` wait, up to `flushTimeout`, for the
 * queue to reach the OS, and `close()` reports what it had to drop.
 */
export function streamSink(config: StreamConfig): LogSink {
  const { name, clock, maxBuffer, firstDelay, maxDelay, flushTimeout, message } = config;
  let socket: Socket | undefined;
  /** Connected and not pushing back: frames go straight to the socket. */
  let writable = false;
  let open = true;
  let delay = firstDelay;
  let timer: TimerHandle | undefined;
  let dropped = 0;
  const queue: string[] = [];
  /** The checks of pending flush() and close() calls, run whenever the connection moves. */
  const waiters = new Set<() => void>();
  const notify = (): void => {
    for (const check of [...waiters]) check();
  };

  const drain = (s: Socket): void => {
    writable = true;
    if (dropped > 0) {
      const note = `{"level":"warn","msg":"@ballast/logger dropped ${dropped} lines while the syslog peer was unreachable or slow"}`;
      queue.unshift(frameOctetCounted(message(note, 40)));
      dropped = 0;
    }
    if (queue.length > 0) writable = s.write(queue.splice(0).join(''));
  };

  const connect = (): void => {
    timer = undefined;
    const s = config.connect();
    socket = s;
    // Idle, the sink must not keep the process alive; awaited, it must (see settle).
    if (waiters.size === 0) s.unref();
    s.on('connect', () => {
      delay = firstDelay;
      drain(s);
      notify();
    });
    s.on('drain', () => {
      drain(s);
      notify();
    });
    s.on('error', (error) => reportSinkFailure(name, error));
    s.on('close', () => {
      writable = false;
      socket = undefined;
      if (open) {
        timer = clock.setTimeout(connect, delay).unref();
        delay = Math.min(delay * 2, maxDelay);
      }
      notify();
    });
  };
  connect();

  /**
   * Resolves once every line written so far has been handed to the OS: connected, queue
   * written, socket buffer flushed. Also resolves when no connection is coming (closed
   * while down) and after `flushTimeout`, whatever is left.
   */
  const settle = (): Promise<void> =>
    new Promise<void>((resolve) => {
      let asked = false;
      const finish = (): void => {
        if (!waiters.delete(check)) return;
        clock.clearTimeout(deadline);
        if (waiters.size === 0) socket?.unref();
        resolve();
      };
      const check = (): void => {
        const s = socket;
        if (s === undefined) {
          if (queue.length === 0 || timer === undefined) finish();
          return;
        }
        // Still connecting with nothing queued: nothing is owed, so there is nothing to wait for
        // (a collector that black-holes connection attempts must not hold close() for flushTimeout).
        if (s.connecting && queue.length === 0) {
          finish();
          return;
        }
        // Waiting for 'connect' or 'drain', which write the queue out.
        if (s.connecting || queue.length > 0 || !writable) return;
        if (s.writableLength === 0) finish();
        else if (!asked) {
          asked = true;
          s.write('', finish);
        }
      };
      waiters.add(check);
      socket?.ref();
      const deadline = clock.setTimeout(finish, flushTimeout);
      check();
    });

  /**
   * Reports what close() could not deliver, on stderr like the sink's failures (but even
   * when one was reported already: a connection error says nothing of lines lost at the
   * end). Returns whether anything was left.
   */
  const reportLoss = (s: Socket | undefined): boolean => {
    let bytes = s?.writableLength ?? 0;
    for (const frame of queue) bytes += Buffer.byteLength(frame);
    queue.length = 0;
    if (bytes === 0 && dropped === 0) return false;
    const earlier = dropped > 0 ? `, after dropping ${dropped} lines past maxBuffer` : '';
    reportProblem(
      `sink ${name} closed with ${bytes} bytes of log lines undelivered${earlier}: the syslog peer did not take them within ${flushTimeout} ms`,
    );
    dropped = 0;
    return bytes > 0;
  };

  return {
    name,
    level: config.level,
    write(line, lv) {
      if (!open) return;
      const frame = frameOctetCounted(message(line, lv));
      if (writable && socket) {
        writable = socket.write(frame);
        return;
      }
      if (queue.length >= maxBuffer) {
        queue.shift();
        dropped++;
      }
      queue.push(frame);
    },
    flush: settle,
    async close() {
      if (!open) return;
      open = false;
      const started = clock.now();
      if (timer !== undefined) {
        clock.clearTimeout(timer);
        timer = undefined;
        // Down, waiting out a backoff: one last attempt now gives the queued lines their chance.
        if (queue.length > 0) connect();
      }
      await settle();
      const s = socket;
      const lost = reportLoss(s);
      if (s === undefined) return;
      if (lost) {
        s.destroy();
        return;
      }
      // Everything is with the OS: end the stream, and let the peer take its time to close it.
      await new Promise<void>((resolve) => {
        const left = Math.max(0, flushTimeout - (clock.now() - started));
        const stop = clock.setTimeout(() => s.destroy(), left);
        s.once('close', () => {
          clock.clearTimeout(stop);
          resolve();
        });
        s.ref();
        s.end();
      });
    },
  };
}
