import { connect, createServer, type Server, type Socket } from 'node:net';

/** How the proxy treats traffic. */
export type FaultMode =
  /** Forward bytes both ways (after `latencyMs`). */
  | 'pass'
  /** Accept connections and reads, but never forward or answer: a network black hole. */
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
  /** Delays every chunk in both directions by `ms`. */
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

  const relay = (from: Socket, to: Socket): void => {
    from.on('data', (chunk) => {
      if (mode === 'blackhole') return;
      if (latencyMs > 0) setTimeout(() => to.destroyed || to.write(chunk), latencyMs);
      else to.write(chunk);
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
