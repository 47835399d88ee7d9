import type { Clock } from '@ballast/core';
import type { HealthCheck } from '../types.js';

/** Settings every built-in check accepts, with the same meaning as on {@link HealthCheck}. */
export interface CheckSettings
  extends Partial<Pick<HealthCheck, 'name' | 'critical' | 'kinds' | 'timeout' | 'interval' | 'cacheFor'>> {
  /** The clock used to measure latency. @defaultValue `systemClock` */
  clock?: Clock;
}

/** The keys of {@link CheckSettings}, for each built-in check's list of known options. */
export const SETTINGS_KEYS = {
  name: true,
  critical: true,
  kinds: true,
  timeout: true,
  interval: true,
  cacheFor: true,
  clock: true,
} as const satisfies Record<keyof CheckSettings, true>;

/** Copies the registry settings (not the check-specific ones) onto a built-in check. */
export function applySettings(check: HealthCheck, settings: CheckSettings): HealthCheck {
  const out: { -readonly [K in keyof HealthCheck]: HealthCheck[K] } = { ...check };
  if (settings.name !== undefined) out.name = settings.name;
  if (settings.critical !== undefined) out.critical = settings.critical;
  if (settings.kinds !== undefined) out.kinds = settings.kinds;
  if (settings.timeout !== undefined) out.timeout = settings.timeout;
  if (settings.interval !== undefined) out.interval = settings.interval;
  if (settings.cacheFor !== undefined) out.cacheFor = settings.cacheFor;
  return out;
}

/** Why a thrown value failed a check, as one line. */
export function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  const detail = cause instanceof Error && cause.message !== '' ? `: ${cause.message}` : '';
  return `${error.message || error.name}${detail}`;
}
