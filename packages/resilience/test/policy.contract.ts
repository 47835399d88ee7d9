import { describe, expect, it } from 'vitest';
import { type Policy, pipeline } from '../src/index.js';

/**
 * The contract every policy keeps, built-in or user-written: run it as
 * `policyContract('name', () => makePolicy())`. Each test gets a fresh policy.
 */
export function policyContract(name: string, make: () => Policy): void {
  describe(`${name} keeps the policy contract`, () => {
    it('resolves with what the work returns, a value or a promise', async () => {
      const policy = make();
      await expect(policy.execute(() => 'plain')).resolves.toBe('plain');
      await expect(policy.execute(async () => ({ n: 1 }))).resolves.toEqual({ n: 1 });
    });

    it('gives the work a context with an AbortSignal and an attempt ≥ 1', async () => {
      const seen = await make().execute((context) => ({
        signal: context.signal instanceof AbortSignal,
        attempt: Number.isInteger(context.attempt) && context.attempt >= 1,
      }));
      expect(seen).toEqual({ signal: true, attempt: true });
    });

    it("rejects at once with an already-aborted signal's reason, without running the work", async () => {
      const reason = new Error('caller gave up');
      let ran = false;
      const result = make().execute(() => {
        ran = true;
      }, AbortSignal.abort(reason));
      await expect(result).rejects.toBe(reason);
      expect(ran).toBe(false);
    });

    it("lets the caller's signal reach the work, and settles with its reason if it gives up", async () => {
      const controller = new AbortController();
      const reason = new Error('stop');
      let seen: unknown;
      const result = make().execute(
        ({ signal }) =>
          new Promise<string>((resolve) => {
            signal.addEventListener('abort', () => {
              seen = signal.reason;
              resolve('finished after the abort');
            });
            queueMicrotask(() => controller.abort(reason));
          }),
        controller.signal,
      );
      const [settled] = await Promise.allSettled([result]);
      expect(seen).toBe(reason);
      if (settled.status === 'rejected') expect(settled.reason).toBe(reason);
      else expect(settled.value).toBe('finished after the abort');
    });

    it('joins a pipeline, inside and outside, and the pipeline keeps the contract', async () => {
      const policy = make();
      await expect(pipeline(policy).execute(() => 1)).resolves.toBe(1);
      await expect(pipeline(make(), pipeline(make())).execute(async () => 2)).resolves.toBe(2);
    });
  });
}
