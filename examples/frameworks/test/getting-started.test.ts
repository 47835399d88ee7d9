import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, type StartedProcess, sourceNodeArgs, startProcess } from '@ballast/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const example = fileURLToPath(new URL('..', import.meta.url));
const guide = fileURLToPath(new URL('../../../docs/getting-started.md', import.meta.url));

// The docs must match the code: the first `ts` block of docs/getting-started.md runs as written.
describe('docs/getting-started.md: the first composition', () => {
  let dir: string;
  let child: StartedProcess;
  let base: string;

  beforeAll(async () => {
    const markdown = await readFile(guide, 'utf8');
    const code = /```ts\n([\s\S]*?)```/.exec(markdown)?.[1];
    expect(code, 'a ```ts block in getting-started.md').toBeDefined();
    // A project of its own inside the example (so `@ballast/*` resolves from its
    // node_modules), CommonJS like `npm init -y` makes: the guide's `.mts` must still run.
    dir = await mkdtemp(join(example, '.getting-started-'));
    await writeFile(join(dir, 'package.json'), '{ "name": "getting-started", "type": "commonjs" }\n');
    const file = join(dir, 'server.mts');
    await writeFile(file, code as string);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = startProcess(process.execPath, [...sourceNodeArgs, file], {
      cwd: example,
      env: { ...process.env, PORT: String(port) },
      name: 'the getting-started server',
    });
    // The child compiles the packages from source first; a child that exits fails at once.
    await child.waitForUrl(`${base}/health/live`, 45_000);
  }, 60_000);

  afterAll(async () => {
    await child.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves a product, a 404 problem document with the request id, and readiness', async () => {
    const ok = await fetch(`${base}/products/7`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ id: '7', name: 'Product 7' });

    const missing = await fetch(`${base}/products/404`, { headers: { 'x-request-id': 'gs-404' } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    expect(await missing.json()).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'Product 404 does not exist',
      instance: 'gs-404',
      code: 'NOT_FOUND',
    });

    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'pass', version: '1.0.0', serviceId: 'catalogue' });
  });

  it('logs a line per request and shuts down cleanly on SIGTERM', async () => {
    child.child.kill('SIGTERM');
    const { code } = await child.exited;
    expect(code, child.stderr()).toBe(0);
    const lines = child
      .stdout()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string; req_id?: string; res?: { status: number } });
    expect(lines.find((line) => line.req_id === 'gs-404')).toMatchObject({
      msg: 'request rejected',
      res: { status: 404 },
    });
    expect(lines.map((line) => line.msg)).toContain('shutdown started');
  });
});
