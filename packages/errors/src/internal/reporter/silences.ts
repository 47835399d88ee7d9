import { invalidOption } from '../../options.js';

/** Fingerprints and codes silenced until a time (maintenance windows). */
export class Silences {
  readonly #until = new Map<string, number>();

  /**
   * Silences `fingerprintOrCode` until `until`; returns the undo function.
   * @throws ConfigurationError for an empty key or a time that is not a Date or a number.
   */
  add(fingerprintOrCode: string, until: number | Date): () => void {
    if (typeof fingerprintOrCode !== 'string' || fingerprintOrCode === '') {
      throw invalidOption('silence fingerprintOrCode', fingerprintOrCode, 'a fingerprint or an error code');
    }
    const end = until instanceof Date ? until.getTime() : until;
    if (typeof end !== 'number' || Number.isNaN(end))
      throw invalidOption('silence until', until, 'a Date or epoch milliseconds');
    this.#until.set(fingerprintOrCode, end);
    return () => {
      if (this.#until.get(fingerprintOrCode) === end) this.#until.delete(fingerprintOrCode);
    };
  }

  /** Whether `key` is silenced at `now`; forgets a silence that has ended. */
  has(key: string, now: number): boolean {
    const until = this.#until.get(key);
    if (until === undefined) return false;
    if (until > now) return true;
    this.#until.delete(key);
    return false;
  }
}
