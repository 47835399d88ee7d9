import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@ballast/core/testing';
import { ConfigurationError } from '@ballast/errors';
import { createLogger, syslogSink } from '@ballast/logger';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatSyslog, headerField } from '../src/sinks/rfc5424.js';
import { resetReportedFailures } from '../src/sinks/sink.js';

const RFC5424 =
  /^<(\d{1,3})>1 (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) ([\x21-\x7e]{1,255}) ([\x21-\x7e]{1,48}) (\d+) - - (.*)$/s;

afterEach(() => {
  vi.restoreAllMocks();
  resetReportedFailures();
});

/** Parses an octet-counted TCP stream into messages, checking every length prefix. */
function deframe(stream: string): string[] {
  const messages: string[] = [];
  let rest = Buffer.from(stream);
  while (rest.length > 0) {
    const space = rest.indexOf(0x20);
    const length = Number(rest.subarray(0, space).toString());
    expect(Number.isInteger(length) && length > 0).toBe(true);
    messages.push(rest.subarray(space + 1, space + 1 + length).toString());
    rest = rest.subarray(space + 1 + length);
  }
  return messages;
}

function tcpServer(): Promise<{ server: Server; port: number; received: () => string }> {
  let data = '';
  const server = createServer((socket) => {
    socket.on('data', (chunk) => {
      data += chunk;
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, port: (server.address() as { port: number }).port, received: () => data }),
    ),
  );
}

/**
 * A TCP collector: `ended` resolves with everything one connection sent, once it ends;
 * `paused` peers read nothing until resumed.
 */
async function collector(port = 0, { paused = false } = {}) {
  const peers: Socket[] = [];
  let end: (data: string) => void = () => {};
  const ended = new Promise<string>((resolve) => {
    end = resolve;
  });
  const server = createServer((socket) => {
    if (paused) socket.pause();
    peers.push(socket);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => end(Buffer.concat(chunks).toString()));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port, ended, peers };
}

/** Lets pending I/O callbacks and promise reactions run. */
async function ticks(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('syslogSink', () => {
  it('sends one RFC 5424 datagram per line over UDP with severity from the level', async () => {
    const server = createSocket('udp4');
    const messages: string[] = [];
    server.on('message', (msg) => messages.push(msg.toString()));
    await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
    const port = server.address().port;
    const logger = createLogger({
      base: null,
      sinks: [syslogSink({ port, facility: 'local0', appName: 'my app', hostname: 'web-1' })],
    });
    logger.info({ userId: 1 }, 'hello');
    logger.error('bad');
    await logger.flush();
    await until(() => messages.length === 2);
    await logger.close();
    server.close();
    const [info, error] = messages.map((m) => RFC5424.exec(m));
    expect(info?.[1]).toBe(String(16 * 8 + 6));
    expect(error?.[1]).toBe(String(16 * 8 + 3));
    expect(info?.[3]).toBe('web-1');
    expect(info?.[4]).toBe('my_app');
    expect(info?.[5]).toBe(String(process.pid));
    expect(JSON.parse(info?.[6] as string)).toMatchObject({ userId: 1, msg: 'hello' });
  });

  it('frames messages with octet counting over TCP', async () => {
    const { server, port, received } = await tcpServer();
    const sink = syslogSink({ transport: 'tcp', port });
    const logger = createLogger({ base: null, sinks: [sink] });
    logger.warn('ünïcödé line');
    logger.fatal({ multi: 'a\nb' }, 'second');
    await until(() => received().includes('second'));
    await logger.close();
    server.close();
    const messages = deframe(received());
    expect(messages).toHaveLength(2);
    for (const m of messages) expect(m).toMatch(RFC5424);
    expect(RFC5424.exec(messages[0] as string)?.[1]).toBe(String(8 + 4));
    expect(JSON.parse(RFC5424.exec(messages[1] as string)?.[6] as string)).toMatchObject({ multi: 'a\nb' });
  });

  it('buffers while the TCP peer is down (bounded), then reconnects with backoff and sends', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const { server, port, received } = await tcpServer();
    server.close();
    const clock = new ManualClock();
    const sink = syslogSink({ transport: 'tcp', port, clock, maxBuffer: 3, reconnectDelay: 100 });
    await until(() => stderr.mock.calls.length > 0);
    for (let i = 0; i < 5; i++) sink.write(`{"n":${i}}\n`, 30);
    let data = '';
    const again = createServer((socket) => {
      socket.on('data', (chunk) => {
        data += chunk;
      });
    });
    await new Promise<void>((resolve) => again.listen(port, '127.0.0.1', resolve));
    await clock.advance(100);
    await until(() => data.includes('"n":4'));
    const messages = deframe(data).map((m) => JSON.parse(RFC5424.exec(m)?.[6] as string));
    expect(messages[0].msg).toContain('dropped 2 lines');
    expect(messages.slice(1).map((m) => m.n)).toEqual([2, 3, 4]);
    sink.write('{"n":5}\n', 30);
    await sink.flush?.();
    await until(() => data.includes('"n":5'));
    await sink.close?.();
    await sink.close?.();
    again.close();
    expect(stderr).toHaveBeenCalledTimes(1);
    expect(received()).toBe('');
  });

  it('keeps a bounded buffer while the TCP peer pushes back, and says how many lines it dropped', async () => {
    let data = '';
    const peers: Array<{ resume(): void }> = [];
    const server = createServer((socket) => {
      socket.pause();
      peers.push(socket);
      socket.on('data', (chunk) => {
        data += chunk;
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const sink = syslogSink({ transport: 'tcp', port, maxBuffer: 10 });
    await until(() => peers.length === 1);
    const big = 'x'.repeat(100_000);
    for (let n = 0; n < 200; n++) sink.write(`{"n":${n},"pad":"${big}"}\n`, 30);
    for (const peer of peers) peer.resume();
    await until(() => data.includes('"n":199'));
    await sink.close?.();
    server.close();
    const messages = deframe(data).map((m) => JSON.parse(RFC5424.exec(m)?.[6] as string));
    const note = messages.findIndex((m) => m.n === undefined);
    const dropped = Number(/dropped (\d+) lines/.exec(messages[note]?.msg)?.[1]);
    expect(messages.slice(0, note).map((m) => m.n)).toEqual(Array.from({ length: note }, (_, i) => i));
    expect(messages.slice(note + 1).map((m) => m.n)).toEqual(Array.from({ length: 10 }, (_, i) => 190 + i));
    expect(note + dropped + 10).toBe(200);
  });

  it('delivers lines logged while still connecting when closed at once', async () => {
    const { server, port, ended } = await collector();
    const logger = createLogger({ base: null, sinks: [syslogSink({ transport: 'tcp', port })] });
    for (let i = 0; i < 3; i++) logger.info({ i }, 'early');
    await logger.close();
    const messages = deframe(await ended);
    server.close();
    expect(messages.map((m) => JSON.parse(RFC5424.exec(m)?.[6] as string).i)).toEqual([0, 1, 2]);
  });

  it('flush() waits for a reconnect to take the queued lines, and gives up after flushTimeout', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const { server, port } = await collector();
    server.close();
    const clock = new ManualClock();
    const sink = syslogSink({ transport: 'tcp', port, clock, reconnectDelay: 100, flushTimeout: '10s' });
    await until(() => stderr.mock.calls.length > 0); // the first connection was refused
    sink.write('{"n":1}\n', 30);
    let flushed = false;
    void sink.flush?.().then(() => {
      flushed = true;
    });
    await clock.advance(9_999);
    await ticks();
    expect(flushed).toBe(false);
    await clock.advance(1);
    await ticks();
    expect(flushed).toBe(true); // given up; the line stays queued
    sink.write('{"n":2}\n', 30);
    const again = await collector(port);
    let delivered = false;
    const flushing = sink.flush?.().then(() => {
      delivered = true;
    });
    // Reconnect attempts (the backoff has grown meanwhile), well within this flush's 10 s.
    for (let step = 0; step < 30 && !delivered; step++) {
      await clock.advance(100);
      await ticks();
    }
    await flushing;
    expect(delivered).toBe(true);
    await sink.close?.();
    const messages = deframe(await again.ended).map((m) => JSON.parse(RFC5424.exec(m)?.[6] as string));
    again.server.close();
    expect(messages.map((m) => m.n)).toEqual([1, 2]);
  });

  it('close() writes out every line queued while the peer pushed back, then ends the stream', async () => {
    const { server, port, ended, peers } = await collector(0, { paused: true });
    const sink = syslogSink({ transport: 'tcp', port, maxBuffer: 1_000_000 });
    await until(() => peers.length === 1);
    const pad = 'x'.repeat(2000);
    const count = 10_000; // 20 MB: more than the OS buffers hold, so most lines queue in the sink
    for (let n = 0; n < count; n++) sink.write(`{"n":${n},"pad":"${pad}"}\n`, 30);
    const closing = sink.close?.();
    for (const peer of peers) peer.resume();
    await closing;
    const messages = deframe(await ended).map((m) => JSON.parse(RFC5424.exec(m)?.[6] as string));
    server.close();
    expect(messages).toHaveLength(count);
    expect(messages.every((m, i) => m.n === i)).toBe(true);
  });

  it('close() gives up after flushTimeout on a peer that never reads, and reports what it lost', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const { server, port, peers } = await collector(0, { paused: true });
    const clock = new ManualClock();
    const sink = syslogSink({ transport: 'tcp', port, clock, maxBuffer: 1_000_000, flushTimeout: '2s' });
    await until(() => peers.length === 1);
    const pad = 'x'.repeat(2000);
    for (let n = 0; n < 10_000; n++) sink.write(`{"n":${n},"pad":"${pad}"}\n`, 30);
    let closed = false;
    const closing = sink.close?.().then(() => {
      closed = true;
    });
    await clock.advance(1999);
    await ticks();
    expect(closed).toBe(false);
    await clock.advance(1);
    await closing;
    for (const peer of peers) peer.destroy();
    server.close();
    expect(stderr).toHaveBeenCalledTimes(1);
    expect(String(stderr.mock.calls[0]?.[0])).toMatch(
      /sink syslog:tcp:127\.0\.0\.1:\d+ closed with \d+ bytes of log lines undelivered: the syslog peer did not take them within 2000 ms/,
    );
  });

  it('close() during a reconnect backoff tries once more at once: delivers if the peer is back, else reports the loss', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const { server, port } = await collector();
    server.close();
    const clock = new ManualClock(); // never advanced: no backoff nor flushTimeout is waited out
    const back = syslogSink({ transport: 'tcp', port, clock, reconnectDelay: '1m' });
    const down = syslogSink({
      transport: 'unix',
      path: join(tmpdir(), 'ballast-no-such.sock'),
      clock,
      maxBuffer: 2,
    });
    await until(() => stderr.mock.calls.length === 2); // both refused
    for (let n = 0; n < 3; n++) {
      back.write(`{"n":${n}}\n`, 30);
      down.write(`{"n":${n}}\n`, 30);
    }
    const again = await collector(port);
    await back.close?.();
    const messages = deframe(await again.ended).map((m) => JSON.parse(RFC5424.exec(m)?.[6] as string));
    again.server.close();
    expect(messages.map((m) => m.n)).toEqual([0, 1, 2]);
    await down.close?.();
    expect(stderr).toHaveBeenCalledTimes(3); // the two refused connections, then the loss
    expect(String(stderr.mock.calls[2]?.[0])).toMatch(
      /sink syslog:unix:.*ballast-no-such\.sock closed with \d+ bytes of log lines undelivered, after dropping 1 lines past maxBuffer/,
    );
  });

  it('resolves concurrent flush() and close() calls over UDP', { timeout: 3000 }, async () => {
    const server = createSocket('udp4');
    let received = 0;
    server.on('message', () => received++);
    await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
    const sink = syslogSink({ port: server.address().port });
    for (let i = 0; i < 50; i++) sink.write('{"msg":"u"}\n', 30);
    await Promise.all([sink.flush?.(), sink.flush?.(), sink.close?.()]);
    await until(() => received === 50);
    server.close();
    expect(received).toBe(50);
  });

  it('speaks to a unix stream socket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ballast-syslog-'));
    const path = join(dir, 'log.sock');
    let data = '';
    const server = createServer((socket) =>
      socket.on('data', (chunk) => {
        data += chunk;
      }),
    );
    await new Promise<void>((resolve) => server.listen(path, resolve));
    const sink = syslogSink({ transport: 'unix', path });
    await new Promise((resolve) => setTimeout(resolve, 20));
    sink.write('{"msg":"over unix"}\n', 60);
    await until(() => data.includes('over unix'));
    await sink.close?.();
    server.close();
    rmSync(dir, { recursive: true, force: true });
    expect(deframe(data)[0]).toMatch(/^<10>1 /);
  });

  it('rejects bad options with a ConfigurationError', () => {
    const bad = [
      { transport: 'http' },
      { transport: 'unix' },
      { port: 0 },
      { facility: 'kernel' },
      { maxBuffer: 0 },
      { reconnectDelay: 'later' },
      { level: 'x' },
    ];
    for (const options of bad) {
      expect(() => syslogSink(options as Parameters<typeof syslogSink>[0]), JSON.stringify(options)).toThrow(
        ConfigurationError,
      );
    }
  });

  it('formats header fields as RFC 5424 requires', () => {
    expect(headerField('', 48)).toBe('-');
    expect(headerField('a b\u00e9', 48)).toBe('a_b_');
    expect(headerField('x'.repeat(60), 48)).toHaveLength(48);
    const header = { facility: 1, hostname: 'h', appName: 'a', procId: '1' };
    expect(formatSyslog(header, 6, 0, 'm')).toBe('<14>1 1970-01-01T00:00:00.000Z h a 1 - - m');
  });
});
