export { aggregateStatus, type StatusInput, statusRank } from './aggregate.js';
export { type DoctorOptions, doctorExitCode, renderDoctor } from './doctor.js';
export {
  type CheckCallOptions,
  type CheckChange,
  createHealth,
  type Health,
  type HealthEvents,
  type HealthOptions,
} from './health.js';
export {
  type HealthHandlerOptions,
  type HealthRequestHandler,
  healthHandler,
  type ShowDetails,
} from './http-handler.js';
export type {
  CheckInput,
  CheckKind,
  CheckOutcome,
  CheckReport,
  HealthCheck,
  HealthReport,
  ServiceInfo,
} from './types.js';
