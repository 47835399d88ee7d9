import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
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
