import { describe, expect, it } from 'vitest';
import { startProcess } from '../src/process.js';

describe('startProcess', () => {
  it('fails a wait as soon as the child exits, with its exit code and stderr', async () => {
    const child = startProcess(
      process.execPath,
      ['-e', "console.error('config missing: PORT'); process.exit(3)"],
      {
        name: 'the service',
      },
    );
    const error = await child.waitForUrl('http://127.0.0.1:9/never', 30_000).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toContain('the service exited (code 3) before it was ready');
    expect(error?.message).toContain('config missing: PORT');
  });

  it('resolves the first matching line of stdout or stderr, and stops the child', async () => {
    const child = startProcess(process.execPath, [
      '-e',
      "console.log('booting'); console.error('listening on http://x'); setInterval(() => {}, 1000)",
    ]);
    expect(await child.waitForLine('booting')).toBe('booting');
    expect(await child.waitForLine(/listening on/, 10_000, 'stderr')).toBe('listening on http://x');
    await child.stop();
    expect((await child.exited).signal).toBe('SIGKILL');
  });
});
