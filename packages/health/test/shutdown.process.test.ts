import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Agent, get } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { sourceNodeArgs } from '@ballast/test-utils';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/shutdown-server.ts', import.meta.url));

function fetchText(
  port: number,
  path: string,
  agent: Agent | false,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

describe('gracefulShutdown in a real process', () => {
  it('keeps serving an in-flight request, answers readiness 503 during the drain and exits 0 in time', async () => {
    const child = spawn(process.execPath, [...sourceNodeArgs, fixture], {
      cwd: root,
      env: { ...process.env, PRE_STOP_MS: '1000', SLOW_MS: '1500' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = once(child, 'exit');
    const lines: string[] = [];
    const waiters: { text: string; resolve: (line: string) => void }[] = [];
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      for (const waiter of waiters.filter((w) => line.startsWith(w.text))) waiter.resolve(line);
    });
    const waitFor = (text: string): Promise<string> => {
      const seen = lines.find((line) => line.startsWith(text));
      return seen !== undefined
        ? Promise.resolve(seen)
        : new Promise((resolve) => waiters.push({ text, resolve }));
    };
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const port = Number((await waitFor('listening ')).split(' ')[1]);
      expect((await fetchText(port, '/health/ready', agent)).status).toBe(200);
      const slow = fetchText(port, '/slow', false);
      await waitFor('slow started');
      const signalled = performance.now();
      child.kill('SIGTERM');
      await waitFor('shutdown started');
      const ready = await fetchText(port, '/health/ready', agent);
      expect(ready.status).toBe(503);
      expect(JSON.parse(ready.body)).toEqual({ status: 'fail' });
      expect(await slow).toEqual({ status: 200, body: 'done' });
      const [code] = await exited;
      expect(code).toBe(0);
      // In time: the drain ended with the slow request (the idle keep-alive connection did not
      // hold it), well before preStopDelay (1 s) + drainTimeout (5 s) would have forced it.
      expect(lines.some((line) => line.startsWith('in-flight requests outlived'))).toBe(false);
      expect(performance.now() - signalled).toBeLessThan(6_000);
      expect(lines).toContain('hook: close cache');
      expect(lines.some((line) => line.startsWith('shutdown finished {"code":0}'))).toBe(true);
    } finally {
      agent.destroy();
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 30_000);
});
