export type { Clock, TimerHandle } from './clock.js';
export { ManualClock, type ManualClockOptions } from './manual-clock.js';
