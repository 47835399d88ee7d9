import { BALLAST_ERROR_BRAND, type BallastErrorBase } from '@ballast/core/error-base';

export { BALLAST_ERROR_BRAND };

/** Whether `value` carries the Ballast brand (own or inherited): a Ballast error of any installed copy. */
export function hasBrand(value: unknown): value is BallastErrorBase {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { [BALLAST_ERROR_BRAND]?: unknown })[BALLAST_ERROR_BRAND] === true
  );
}
