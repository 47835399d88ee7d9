import { expect } from 'vitest';
import { ConfigurationError } from '../src/index.js';

/** The ConfigurationError `run` throws (fails the test when it throws something else, or nothing). */
export function rejection(run: () => unknown): InstanceType<typeof ConfigurationError> {
  try {
    run();
  } catch (error) {
    expect(ConfigurationError.is(error)).toBe(true);
    return error as InstanceType<typeof ConfigurationError>;
  }
  throw new Error('expected a ConfigurationError');
}
