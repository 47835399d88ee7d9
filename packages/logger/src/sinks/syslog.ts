import type { Socket as DgramSocket } from 'node:dgram';
import { hostname as osHostname } from 'node:os';
import { type Clock, type Duration, systemClock } from '@ballast/core';
import { durationOption, integerOption, invalidOption } from '@ballast/errors';
import { optionsObject } from '../internal/options.js';
import { syslogSeverity } from '../levels.js';
import { checkSinkLevel } from './check.js';
import {
  facilityOption,
  formatSyslog,
  headerField,
  type SyslogFacility,
  type SyslogHeader,
} from './rfc5424.js';
import { type LogSink, reportSinkFailure, type SinkOptions } from './sink.js';
import { streamSink } from './syslog-stream.js';

/** Options for {@link syslogSink}. */
export interface SyslogSinkOptions extends SinkOptions {
  /**
   * `'udp'` (one datagram per line), `'tcp'` or `'unix'` (a stream socket at `path`;
   * both octet-counted, RFC 6587).
   * @defaultValue `'udp'`
   */
  transport?: 'udp' | 'tcp' | 'unix';
  /** The collector's host, for `'udp'` and `'tcp'`. @defaultValue `'127.0.0.1'` */
  host?: string;
  /** The collector's port, for `'udp'` and `'tcp'`. @defaultValue `514` */
  port?: number;
  /** The socket path, required for `'unix'`. */
  path?: string;
  /** The syslog facility of every message. @defaultValue `'user'` */
  facility?: SyslogFacility;
  /** APP-NAME of every message. @defaultValue `process.title` */
  appName?: string;
  /** HOSTNAME of every message. @defaultValue `os.hostname()` */
  hostname?: string;
  /**
   * Lines kept while a stream connection is down; past it the oldest are dropped.
   * @defaultValue `10000`
   */
  maxBuffer?: number;
  /**
   * First reconnect delay; doubles per failed attempt up to `maxReconnectDelay`.
   * @defaultValue `100`
   */
  reconnectDelay?: Duration;
  /** The longest delay between reconnect attempts. @defaultValue `'30s'` */
  maxReconnectDelay?: Duration;
  /**
   * How long `flush()` and `close()` of a stream transport wait for the collector to be
   * connected and to take every queued line. Past it `flush()` resolves (the lines stay
   * queued) and `close()` drops what is left, reported once on stderr like the sink's other
   * failures: neither ever hangs on a collector that is down or stops reading.
   * @defaultValue `'5s'`
   */
  flushTimeout?: Duration;
  /** The source of time for reconnect delays and flush timeouts. @defaultValue `systemClock` */
  clock?: Clock;
}

const SYSLOG_KEYS = [
  'level',
  'transport',
  'host',
  'port',
  'path',
  'facility',
  'appName',
  'hostname',
  'maxBuffer',
  'reconnectDelay',
  'maxReconnectDelay',
  'flushTimeout',
  'clock',
] as const satisfies ReadonlyArray<keyof SyslogSinkOptions>;

function stringOption(option: string, value: unknown): string | undefined {
  if (value !== undefined && (typeof value !== 'string' || value === '')) {
    throw invalidOption(option, value, 'a non-empty string');
  }
  return value;
}

/**
 * Sends each line as an RFC 5424 syslog message whose MSG is the JSON line and
 * whose severity follows the level. Stream transports reconnect with exponential
 * backoff and keep a bounded buffer of lines while down; a failure is reported
 * once to stderr and never thrown.
 *
 * @throws ConfigurationError for a bad transport, host, port, facility, app name or
 * hostname, a missing unix `path`, or an unknown option.
 */
export function syslogSink(options: SyslogSinkOptions = {}): LogSink {
  optionsObject('syslogSink', options, SYSLOG_KEYS);
  const { transport = 'udp', port = 514, path, clock = systemClock } = options;
  const host = stringOption('syslogSink.host', options.host) ?? '127.0.0.1';
  const appName = stringOption('syslogSink.appName', options.appName) ?? process.title;
  const hostname = stringOption('syslogSink.hostname', options.hostname) ?? osHostname();
  const level = checkSinkLevel('syslogSink', options.level);
  if (transport !== 'udp' && transport !== 'tcp' && transport !== 'unix') {
    throw invalidOption('syslogSink.transport', transport, "'udp', 'tcp' or 'unix'");
  }
  if (transport === 'unix' && (typeof path !== 'string' || path === '')) {
    throw invalidOption('syslogSink.path', path, 'a socket path (required with the unix transport)');
  }
  if (transport !== 'unix') integerOption('syslogSink.port', port, 1, 65_535);
  const maxBuffer = integerOption('syslogSink.maxBuffer', options.maxBuffer ?? 10_000, 1);
  const firstDelay = durationOption('syslogSink.reconnectDelay', options.reconnectDelay ?? 100);
  const maxDelay = durationOption('syslogSink.maxReconnectDelay', options.maxReconnectDelay ?? '30s');
  const flushTimeout = durationOption('syslogSink.flushTimeout', options.flushTimeout ?? '5s');
  const header: SyslogHeader = {
    facility: facilityOption(options.facility ?? 'user'),
    hostname: headerField(hostname, 255),
    appName: headerField(appName, 48),
    procId: String(process.pid),
  };
  const name = transport === 'unix' ? `syslog:unix:${path}` : `syslog:${transport}:${host}:${port}`;
  const message = (line: string, lv: number): string =>
    formatSyslog(header, syslogSeverity(lv), clock.now(), line.endsWith('\n') ? line.slice(0, -1) : line);

  if (transport === 'udp') return udpSink(name, level, host, port, message);
  return streamSink({
    name,
    level,
    clock,
    maxBuffer,
    firstDelay,
    maxDelay,
    flushTimeout,
    message,
    connect: () =>
      transport === 'unix'
        ? process.getBuiltinModule('node:net').createConnection({ path: path as string })
        : process.getBuiltinModule('node:net').createConnection({ host, port }),
  });
}

function udpSink(
  name: string,
  level: SinkOptions['level'],
  host: string,
  port: number,
  message: (line: string, lv: number) => string,
): LogSink {
  const socket: DgramSocket = process
    .getBuiltinModule('node:dgram')
    .createSocket(process.getBuiltinModule('node:net').isIPv6(host) ? 'udp6' : 'udp4');
  socket.on('error', (error) => reportSinkFailure(name, error));
  socket.unref();
  let inFlight = 0;
  // Every flush() and close() waiting for the datagrams in flight: several may wait at once.
  let idle: Array<() => void> = [];
  let open = true;
  const sent = (error: Error | null): void => {
    if (error) reportSinkFailure(name, error);
    if (--inFlight > 0) return;
    const waiting = idle;
    idle = [];
    for (const resolve of waiting) resolve();
  };
  const flush = (): Promise<void> =>
    inFlight === 0 ? Promise.resolve() : new Promise((resolve) => idle.push(resolve));
  return {
    name,
    level,
    write(line, lv) {
      if (!open) return;
      inFlight++;
      socket.send(message(line, lv), port, host, sent);
    },
    flush,
    async close() {
      if (!open) return;
      open = false;
      await flush();
      socket.close();
    },
  };
}
