import { connect, createServer, type Server, type Socket } from 'node:net';

/** How the proxy treats traffic. */
export type FaultMode =
  /** Forward bytes both ways (after `latencyMs`). */
  | 'pass'
  /**
   * Accept connections and reads, but forward and answer nothing: a network partition.
   * The bytes are held, not lost, and delivered in order once the mode is `pass` again, as
   * TCP retransmits once a partition heals (so a reply never answers the wrong command);
   * `dropConnections()` discards them with the connections.
   */
  | 'blackhole'
  /** Reset every connection as soon as it opens. */
  | 'refuse';

/** A TCP proxy on loopback that injects latency, drops and black holes. */
export interface FaultProxy {
  /** The port to connect to instead of the target's. */
  readonly port: number;
  /** Connections currently open through the proxy. */
  readonly connections: number;
  /** Changes the mode for new and open connections. */
  setMode(mode: FaultMode): void;
  /** Delays every chunk in both directions by `ms` (chunks keep their order). */
  setLatency(ms: number): void;
  /** Destroys every open connection (clients see a reset). */
  dropConnections(): void;
  /** Closes the proxy and every connection. */
  close(): Promise<void>;
}

/** Options for {@link startFaultProxy}. */
export interface FaultProxyOptions {
  /** Where traffic goes, e.g. `{ host: '127.0.0.1', port: 6379 }`. */
  target: { host: string; port: number };
  /** @defaultValue 'pass' */
  mode?: FaultMode;
  /** @defaultValue 0 */
  latencyMs?: number;
}

/** Starts a fault-injecting TCP proxy on a free 127.0.0.1 port. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  let mode: FaultMode = options.mode ?? 'pass';
  let latencyMs = options.latencyMs ?? 0;
  const open = new Set<Socket>();

  /** Delivers what each direction holds; run again when the mode goes back to `pass`. */
  const pumps = new Set<() => void>();

  const relay = (from: Socket, to: Socket): void => {
    // One queue per direction: a chunk leaves `latencyMs` after it arrived, never before
    // the chunk ahead of it, and not at all while black-holed.
    const queue: Array<{ chunk: Buffer; due: number }> = [];
    let timer: NodeJS.Timeout | undefined;
    const pump = (): void => {
      timer = undefined;
      while (queue.length > 0 && mode !== 'blackhole') {
        const wait = queue[0]!.due - Date.now();
        if (wait > 0) {
          timer = setTimeout(pump, wait);
          return;
        }
        const { chunk } = queue.shift()!;
        if (!to.destroyed) to.write(chunk);
      }
    };
    pumps.add(pump);
    from.on('data', (chunk: Buffer) => {
      queue.push({ chunk, due: Date.now() + latencyMs });
      if (timer === undefined) pump();
    });
    from.on('close', () => {
      pumps.delete(pump);
      if (timer !== undefined) clearTimeout(timer);
    });
  };

  const server: Server = createServer((client) => {
    if (mode === 'refuse') {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(options.target);
    open.add(client);
    open.add(upstream);
    const teardown = (): void => {
      open.delete(client);
      open.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', teardown).on('error', teardown);
    upstream.on('close', teardown).on('error', teardown);
    relay(client, upstream);
    relay(upstream, client);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;

  const dropConnections = (): void => {
    for (const socket of open) socket.destroy();
    open.clear();
  };

  return {
    port,
    get connections() {
      return Math.ceil(open.size / 2);
    },
    setMode(next) {
      mode = next;
      if (next === 'refuse') dropConnections();
      if (next === 'pass') for (const pump of pumps) pump();
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    dropConnections,
    close: () =>
      new Promise<void>((resolve) => {
        dropConnections();
        server.close(() => resolve());
      }),
  };
}
