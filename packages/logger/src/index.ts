export {
  type AuditLog,
  type AuditLogOptions,
  type AuditReceipt,
  createAuditLog,
  GENESIS_HASH,
} from './audit-log.js';
export { getLogContext, type LogContextFields, withLogContext } from './context.js';
export { createLogger, type LoggerOptions } from './create-logger.js';
export {
  type HttpLoggerOptions,
  type HttpMiddleware,
  httpLogger,
  incomingRequestId,
  safePath,
} from './http-logger.js';
export type { DedupeOptions, SamplingOptions } from './internal/noise.js';
export type { RedactOption, RedactOptions } from './internal/redaction.js';
export { isLevelName, LEVELS, type LevelName } from './levels.js';
export type { ChildOptions, Logger, Serializer } from './logger.js';
export { type FileSinkOptions, fileSink, type RotateOptions } from './sinks/file.js';
export { formatPretty, type PrettySinkOptions, prettySink } from './sinks/pretty.js';
export { FACILITIES, type SyslogFacility } from './sinks/rfc5424.js';
export type { RotationInterval } from './sinks/rotation.js';
export type { LogSink, SinkOptions } from './sinks/sink.js';
export { type StdoutSinkOptions, stdoutSink } from './sinks/stdout.js';
export { type SyslogSinkOptions, syslogSink } from './sinks/syslog.js';
export {
  type AuditProblem,
  type AuditVerification,
  type VerifyAuditLogOptions,
  verifyAuditLog,
} from './verify-audit-log.js';
