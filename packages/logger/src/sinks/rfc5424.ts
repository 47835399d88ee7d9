import { invalidOption } from '@ballast/errors';

/** Syslog facilities by name (RFC 5424 §6.2.1). */
export const FACILITIES = Object.freeze({
  kern: 0,
  user: 1,
  mail: 2,
  daemon: 3,
  auth: 4,
  syslog: 5,
  lpr: 6,
  news: 7,
  uucp: 8,
  cron: 9,
  authpriv: 10,
  ftp: 11,
  local0: 16,
  local1: 17,
  local2: 18,
  local3: 19,
  local4: 20,
  local5: 21,
  local6: 22,
  local7: 23,
});

/** A syslog facility name such as `'user'`, `'daemon'` or `'local0'`. */
export type SyslogFacility = keyof typeof FACILITIES;

/** Reads the facility option as its number, or throws a ConfigurationError. */
export function facilityOption(value: unknown): number {
  if (typeof value !== 'string' || !Object.hasOwn(FACILITIES, value)) {
    throw invalidOption('syslogSink.facility', value, `one of ${Object.keys(FACILITIES).join(', ')}`);
  }
  return FACILITIES[value as SyslogFacility];
}

/** A header field: printable ASCII without spaces, at most `max` characters, `-` when empty. */
export function headerField(value: string, max: number): string {
  const clean = value.replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return clean === '' ? '-' : clean;
}

/** The fixed parts of every message of one sink. */
export interface SyslogHeader {
  facility: number;
  hostname: string;
  appName: string;
  procId: string;
}

/**
 * Formats one RFC 5424 message: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID
 * STRUCTURED-DATA MSG`, with no structured data and the JSON line as MSG.
 */
export function formatSyslog(header: SyslogHeader, severity: number, time: number, message: string): string {
  const pri = header.facility * 8 + severity;
  return `<${pri}>1 ${new Date(time).toISOString()} ${header.hostname} ${header.appName} ${header.procId} - - ${message}`;
}

/** Octet-counting framing for stream transports (RFC 6587 §3.4.1): `LEN SP MSG`. */
export function frameOctetCounted(message: string): string {
  return `${Buffer.byteLength(message)} ${message}`;
}
