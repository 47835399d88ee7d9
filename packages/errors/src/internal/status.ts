/** Whether `value` is an HTTP error status (a whole number from 400 to 599): the only statuses a Ballast error has. */
export function isErrorStatus(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 400 && value <= 599;
}
