import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@ballast/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../src/config.js';
import { createService } from '../src/service.js';

const discard = { name: 'discard', write() {} };
const dir = mkdtempSync(join(tmpdir(), 'http-service-logs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('log transports from the environment', () => {
  it('reads LOG_FILE, SYSLOG_URL, ADMIN_TOKENS and AUDIT_LOG', () => {
    const config = configFromEnv({
      LOG_FILE: '/var/log/http-service/app.log',
      SYSLOG_URL: 'tcp://logs.internal:601',
      ADMIN_TOKENS: 'alice:aaaaaaaaaaaaaaaaaaaa, bob:bbbbbbbbbbbbbbbbbbbb',
      AUDIT_LOG: '/var/lib/http-service/audit.log',
    });
    expect(config).toMatchObject({
      logFile: '/var/log/http-service/app.log',
      syslog: { transport: 'tcp', host: 'logs.internal', port: 601, facility: 'local0' },
      admins: { alice: 'aaaaaaaaaaaaaaaaaaaa', bob: 'bbbbbbbbbbbbbbbbbbbb' },
      auditLogPath: '/var/lib/http-service/audit.log',
    });
    expect(configFromEnv({ SYSLOG_URL: 'udp://127.0.0.1' }).syslog).toMatchObject({
      transport: 'udp',
      port: 514,
    });
    expect(configFromEnv({})).not.toHaveProperty('admins');
  });

  it('refuses a SYSLOG_URL or ADMIN_TOKENS it cannot read, without showing a token', () => {
    expect(() => configFromEnv({ SYSLOG_URL: 'http://logs:514' })).toThrow(/SYSLOG_URL/);
    expect(() => configFromEnv({ SYSLOG_URL: 'not a url' })).toThrow(/udp:\/\/host:port/);
    let message = '';
    try {
      configFromEnv({ ADMIN_TOKENS: 'sekrit-without-a-name' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/ADMIN_TOKENS.*name:token pairs/);
    expect(message).not.toContain('sekrit');
  });

  it('refuses a short admin token when the service starts', async () => {
    await expect(createService({ admins: { alice: 'short' }, logSinks: [discard] })).rejects.toThrow(
      /at least 16 characters/,
    );
  });
});

describe('a rotating log file', () => {
  it('rotates by size and keeps only the newest files, every line whole', async () => {
    const path = join(dir, 'rotating', 'app.log');
    const service = await createService({
      logSinks: [discard],
      logFile: path,
      logRotate: { size: '4KB', keep: 2 },
    });
    const ids = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const res = await fetch(`${service.url}/products/${(i % 5) + 1}`);
      ids.add(String(res.headers.get('x-request-id')));
      await res.arrayBuffer();
      // One request per batch of lines, so each batch fits the size and rotations happen between lines.
      await service.logger.flush();
    }
    await service.close();
    const files = readdirSync(join(dir, 'rotating')).sort();
    expect(files.filter((file) => /^app\.log\.\d+$/.test(file))).toHaveLength(2);
    expect(files).toContain('app.log');
    const numbers = files.flatMap((file) => /^app\.log\.(\d+)$/.exec(file)?.[1] ?? []).map(Number);
    expect(Math.min(...numbers)).toBeGreaterThan(1); // the oldest were deleted
    for (const file of files.filter((name) => name.startsWith('app.log'))) {
      const text = readFileSync(join(dir, 'rotating', file), 'utf8');
      expect(text.length).toBeLessThanOrEqual(4096);
      for (const line of text.split('\n').filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow();
    }
    // The newest request lines are in the kept files.
    const kept = files.map((file) => readFileSync(join(dir, 'rotating', file), 'utf8')).join('');
    expect(kept).toContain([...ids].at(-1));
  });
});

describe('syslog', () => {
  it('sends every log line to a syslog collector as RFC 5424 (facility local0)', async () => {
    const collector = createSocket('udp4');
    const messages: string[] = [];
    collector.on('message', (message) => messages.push(message.toString('utf8')));
    collector.bind(0, '127.0.0.1');
    await once(collector, 'listening');
    const { port } = collector.address() as AddressInfo;
    const service = await createService({
      logSinks: [discard],
      ...configFromEnv({ SYSLOG_URL: `udp://127.0.0.1:${port}` }),
      port: 0,
      handleSignals: false,
    });
    try {
      const res = await fetch(`${service.url}/products/abc`, {
        headers: { 'x-api-key': 'sk_live_planted_9Qz' },
      });
      expect(res.status).toBe(400);
      await service.logger.flush();
      await eventually(
        () => messages.some((m) => m.includes(String(res.headers.get('x-request-id')))),
        'the request line',
      );
      const listening = messages.find((m) => m.includes('service listening'));
      // <134> is local0 (16 × 8) + informational (6); then version 1, time, host, app name, pid.
      expect(listening).toMatch(/^<134>1 \d{4}-\d\d-\d\dT[\d:.]+Z \S+ http-service \d+ - - \{/);
      const request = messages.find((m) => m.includes(String(res.headers.get('x-request-id'))));
      expect(request).toMatch(/^<13[0-7]>1 /);
      for (const message of messages) expect(message).not.toContain('sk_live_planted_9Qz');
    } finally {
      await service.close();
      collector.close();
    }
  });
});
