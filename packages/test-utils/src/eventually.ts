import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Waits until `check` holds, polling every 5 ms: for what a real service (Redis, a socket,
 * a child process) does on its own time, where no clock can be injected.
 *
 * @throws Error naming `what` when `check` still fails after `timeoutMs`.
 *
 * @example await eventually(() => sink.lines.length === 2, 'both lines written');
 */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what = 'the condition',
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${timeoutMs} ms`);
    await sleep(5);
  }
}
