import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server, Socket } from 'node:net';
import type { Clock, LoggerLike } from '@ballast/core';

/**
 * Drains a server: tracks in-flight responses (and, for plain net servers, sockets) from
 * creation, so that at shutdown it can tell clients not to reuse their connection, close
 * each keep-alive socket as soon as its response is done, and force what is left closed
 * when the drain timeout passes.
 */
export class ConnectionDrain {
  readonly #http: Server & { closeIdleConnections?: () => void; closeAllConnections?: () => void };
  readonly #sockets = new Set<Socket>();
  readonly #active = new Set<ServerResponse>();
  readonly #closeIdle = (): void => this.#http.closeIdleConnections?.();
  #draining = false;

  constructor(readonly server: Server) {
    const http = server as Server & { closeIdleConnections?: () => void; closeAllConnections?: () => void };
    this.#http = http;
    // Plain net servers have no closeAllConnections, so their sockets are tracked to force them.
    if (typeof http.closeAllConnections !== 'function') {
      server.on('connection', (socket: Socket) => {
        this.#sockets.add(socket);
        socket.once('close', () => this.#sockets.delete(socket));
      });
    }
    // In-flight responses, so the drain can tell their clients not to reuse the connection
    // and close each keep-alive socket as soon as its response is done.
    server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
      if (this.#draining) {
        res.setHeader('connection', 'close');
        res.once('close', this.#closeIdle);
        return;
      }
      this.#active.add(res);
      res.once('close', () => this.#active.delete(res));
    });
  }

  /**
   * Stops accepting, closes idle connections and waits up to `drainMs` for in-flight
   * requests; past it forces every connection closed. `true` when it drained in time.
   */
  async drain(clock: Clock, drainMs: number, logger: LoggerLike): Promise<boolean> {
    this.#startDrain();
    const closed = new Promise<boolean>((resolve) => {
      this.server.close(() => resolve(true));
    });
    this.#closeIdle();
    let timer: ReturnType<Clock['setTimeout']> | undefined;
    const expired = new Promise<boolean>((resolve) => {
      timer = clock.setTimeout(() => resolve(false), drainMs);
    });
    const drained = await Promise.race([closed, expired]);
    clock.clearTimeout(timer!);
    if (!drained) {
      logger.warn(
        { drainTimeout: drainMs },
        'in-flight requests outlived the drain timeout; closing connections',
      );
      this.#http.closeAllConnections?.();
      for (const socket of this.#sockets) socket.destroy();
    }
    return drained;
  }

  #startDrain(): void {
    this.#draining = true;
    for (const res of this.#active) {
      if (!res.headersSent) res.setHeader('connection', 'close');
      res.once('close', this.#closeIdle);
    }
    this.#active.clear();
  }
}
