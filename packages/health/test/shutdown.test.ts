import { EventEmitter, once } from 'node:events';
import { Agent, createServer, get, IncomingMessage, type Server, ServerResponse } from 'node:http';
import { type AddressInfo, connect, createServer as createNetServer, Socket } from 'node:net';
import { ManualClock } from '@ballast/core/testing';
import { ConfigurationError } from '@ballast/errors';
import { afterEach, describe, expect, it } from 'vitest';
import { createHealth, type GracefulShutdownOptions, gracefulShutdown, healthHandler } from '../src/index.js';

interface Harness {
  server: Server;
  port: number;
  release: () => void;
  started: Promise<void>;
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** An HTTP server whose /slow request waits until the test releases it. */
async function harness(): Promise<Harness> {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let markStarted!: () => void;
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  const health = createHealth();
  const probes = healthHandler(health);
  const server = createServer((req, res) => {
    if (req.url === '/slow') {
      markStarted();
      void gate.then(() => res.end('done'));
      return;
    }
    probes(req, res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(() => {
    release();
    server.closeAllConnections();
    server.close();
  });
  return { server, port: (server.address() as AddressInfo).port, release, started };
}

interface Answer {
  status: number;
  body: string;
  res: IncomingMessage;
  socket: Socket;
}

function request(port: number, path: string, agent?: Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, agent: agent ?? false }, (res) => {
      const socket = res.socket;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, res, socket }));
    }).on('error', reject);
  });
}

function setup(overrides: GracefulShutdownOptions = {}) {
  const clock = new ManualClock();
  const signals = new EventEmitter();
  const exits: number[] = [];
  const logs: string[] = [];
  const log =
    (level: string) =>
    (...args: unknown[]): void => {
      logs.push(`${level}: ${String(args[1] ?? args[0])}`);
    };
  const logger = {
    trace: log('trace'),
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    fatal: log('fatal'),
  };
  const options: GracefulShutdownOptions = {
    clock,
    signalSource: signals,
    exit: (code: number) => exits.push(code),
    logger,
    ...overrides,
  };
  return { clock, signals, exits, logs, options };
}

describe('gracefulShutdown', () => {
  it('fails readiness at once, serves through preStopDelay, drains, runs hooks in reverse and exits 0', async () => {
    const h = await harness();
    const health = createHealth();
    const order: string[] = [];
    const { clock, signals, exits, options } = setup({
      health,
      preStopDelay: '5s',
      onShutdown: [() => void order.push('first'), { name: 'second', run: () => void order.push('second') }],
    });
    const controller = gracefulShutdown(h.server, options);
    controller.onShutdown(() => void order.push('third'));
    expect(controller.shuttingDown).toBe(false);
    signals.emit('SIGTERM', 'SIGTERM');
    expect(health.shuttingDown).toBe(true);
    expect(controller.shuttingDown).toBe(true);
    await clock.advance(4999);
    expect(h.server.listening).toBe(true);
    expect((await request(h.port, '/health')).status).toBe(200);
    const done = controller.shutdown();
    await clock.advance(1);
    expect(await done).toBe(0);
    expect(h.server.listening).toBe(false);
    expect(order).toEqual(['third', 'second', 'first']);
    expect(exits).toEqual([0]);
    expect(signals.listenerCount('SIGTERM')).toBe(0);
  });

  it('lets an in-flight request finish and closes the idle keep-alive connection', async () => {
    const h = await harness();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    cleanups.push(() => agent.destroy());
    const first = await request(h.port, '/health', agent);
    expect(first.res.headers.connection).toBe('keep-alive');
    const idleSocket = first.socket;
    const slow = request(h.port, '/slow');
    await h.started;
    const { exits, options } = setup({ drainTimeout: '10s' });
    const done = gracefulShutdown(h.server, options).shutdown();
    if (!idleSocket.destroyed) await once(idleSocket, 'close');
    h.release();
    expect(await slow).toMatchObject({ status: 200, body: 'done' });
    expect(await done).toBe(0);
    expect(exits).toEqual([0]);
  });

  it('tells the client of an in-flight request to close the connection once answered', async () => {
    const h = await harness();
    const agent = new Agent({ keepAlive: true });
    cleanups.push(() => agent.destroy());
    const { options } = setup({ drainTimeout: '10s' });
    const controller = gracefulShutdown(h.server, options);
    const slow = request(h.port, '/slow', agent);
    await h.started;
    const done = controller.shutdown();
    h.release();
    const answer = await slow;
    expect(answer.body).toBe('done');
    expect(answer.res.headers.connection).toBe('close');
    expect(await done).toBe(0);
  });

  it("marks a request that slips in during the drain as the connection's last", async () => {
    const h = await harness();
    const { clock, options } = setup({ preStopDelay: 10, drainTimeout: 50 });
    const controller = gracefulShutdown(h.server, options);
    const done = controller.shutdown();
    await clock.advance(10);
    const req = new IncomingMessage(new Socket());
    const res = new ServerResponse(req);
    h.server.emit('request', req, res);
    expect(res.getHeader('connection')).toBe('close');
    res.emit('close');
    await clock.advance(50);
    expect(await done).toBe(0);
  });

  it('forces connections closed after drainTimeout and exits 1', async () => {
    const h = await harness();
    const slow = request(h.port, '/slow').catch((error: Error) => error);
    await h.started;
    const { clock, exits, logs, options } = setup({ drainTimeout: '2s' });
    const done = gracefulShutdown(h.server, options).shutdown();
    await clock.advance(2000);
    expect(await done).toBe(1);
    expect(exits).toEqual([1]);
    expect(await slow).toBeInstanceOf(Error);
    expect(logs.some((line) => line.startsWith('warn: in-flight requests outlived'))).toBe(true);
  });

  it('runs every hook even when one fails or times out, then exits 1', async () => {
    const h = await harness();
    const ran: string[] = [];
    let aborted: AbortSignal | undefined;
    const { clock, exits, logs, options } = setup({
      hookTimeout: '1s',
      onShutdown: [
        () => void ran.push('flush logs'),
        {
          name: 'close cache',
          timeout: 500,
          run: (signal) => {
            aborted = signal;
            return new Promise(() => {});
          },
        },
        () => {
          throw new Error('pool already closed');
        },
        () => Promise.reject('nope'),
      ],
    });
    const done = gracefulShutdown(h.server, options).shutdown('test');
    await clock.advance(500);
    expect(await done).toBe(1);
    expect(exits).toEqual([1]);
    expect(ran).toEqual(['flush logs']);
    expect(aborted?.aborted).toBe(true);
    expect(logs).toContain('error: shutdown hook failed: nope');
    expect(logs).toContain('error: shutdown hook failed: pool already closed');
    expect(logs).toContain('error: shutdown hook timed out after 500 ms');
    expect(logs[0]).toBe('info: shutdown started');
  });

  it('exits 1 at once on a second signal', async () => {
    const h = await harness();
    const { signals, exits, logs, options } = setup({ preStopDelay: '30s', signals: ['SIGINT'] });
    gracefulShutdown(h.server, options);
    signals.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([]);
    signals.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([1]);
    expect(logs).toContain('warn: second signal during shutdown; exiting now');
  });

  it('removes a hook and stops listening after dispose', async () => {
    const h = await harness();
    const ran: string[] = [];
    const { signals, exits, options } = setup();
    const controller = gracefulShutdown(h.server, options);
    const off = controller.onShutdown(() => void ran.push('gone'));
    off();
    off();
    controller.dispose();
    signals.emit('SIGTERM', 'SIGTERM');
    expect(controller.shuttingDown).toBe(false);
    expect(await controller.shutdown()).toBe(0);
    expect(await controller.shutdown()).toBe(0);
    expect(ran).toEqual([]);
    expect(exits).toEqual([0]);
  });

  it('drains a plain net server exposed as { server }, forcing its sockets when needed', async () => {
    const server = createNetServer(() => {});
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { clock, exits, options } = setup({ drainTimeout: 100 });
    const controller = gracefulShutdown({ server }, options);
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    socket.on('error', () => {});
    await once(socket, 'connect');
    await new Promise((resolve) => setImmediate(resolve));
    const done = controller.shutdown();
    await clock.advance(100);
    expect(await done).toBe(1);
    expect(exits).toEqual([1]);
    if (!socket.destroyed) await once(socket, 'close');
  });

  it('uses process signals and process.exit by default', () => {
    const server = createServer();
    const before = process.listenerCount('SIGTERM');
    const controller = gracefulShutdown(server);
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    controller.dispose();
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });

  it.each([
    ['a non-server', [{}, {}]],
    ['a bad signal name', [createServer(), { signals: ['TERM'] }]],
    ['a negative preStopDelay', [createServer(), { preStopDelay: -1 }]],
    ['a zero drainTimeout', [createServer(), { drainTimeout: 0 }]],
    ['a bad hook', [createServer(), { onShutdown: [42] }]],
    ['a bad hook timeout', [createServer(), { onShutdown: { name: 'x', run: () => {}, timeout: -1 } }]],
  ])('throws ConfigurationError for %s', (_, args) => {
    expect(() => gracefulShutdown(...(args as Parameters<typeof gracefulShutdown>))).toThrow(
      ConfigurationError,
    );
  });
});
