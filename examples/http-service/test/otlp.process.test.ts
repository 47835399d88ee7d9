import { execFile } from 'node:child_process';
import { get } from 'node:http';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startProcess } from '@ballast/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../src/config.js';
import { type OtlpCollector, startCollector } from './helpers/otlp-collector.js';

const example = fileURLToPath(new URL('..', import.meta.url));
const tsx = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url));

function status(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject);
  });
}

describe('OTLP traces', () => {
  let collector: OtlpCollector;
  beforeAll(async () => {
    collector = await startCollector();
    await promisify(execFile)(process.execPath, [tsx, 'scripts/build.ts'], { cwd: example });
  }, 60_000);
  afterAll(() => collector.close());

  it('reads the standard OpenTelemetry variables', () => {
    expect(configFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318/' }).otlpTracesUrl).toBe(
      'http://otel:4318/v1/traces',
    );
    expect(
      configFromEnv({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:4318/custom',
      }).otlpTracesUrl,
    ).toBe('http://traces:4318/custom');
    expect(configFromEnv({}).otlpTracesUrl).toBeUndefined();
    expect(configFromEnv({}).chaosEndpoint).toBe(false);
    expect(configFromEnv({ CHAOS: '1' }).chaosEndpoint).toBe(true);
    expect(configFromEnv({}).preStopDelay).toBeUndefined();
    expect(configFromEnv({ PRE_STOP_DELAY: '2s' }).preStopDelay).toBe('2s');
    expect(configFromEnv({ PRE_STOP_DELAY: '0' }).preStopDelay).toBe(0);
  });

  it('the deployed bundle sends server and upstream spans to the collector and flushes them on shutdown', async () => {
    const child = startProcess(process.execPath, ['dist/main.cjs'], {
      cwd: example,
      env: {
        ...process.env,
        PORT: '0',
        REDIS_URL: '',
        LOG_LEVEL: 'warn',
        PRE_STOP_DELAY: '0',
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      },
      name: 'the deployed bundle (dist/main.cjs)',
    });
    try {
      // Fails at once, with the child's stderr, if the service exits instead of listening.
      const banner = await child.waitForLine(/on http:\/\//, 30_000, 'stderr');
      const url = /on (http:\/\/\S+)/.exec(banner)?.[1];
      expect(url, banner).toBeDefined();
      expect(await status(`${url}/products/1`)).toBe(200);
      child.child.kill('SIGTERM');
      expect((await child.exited).code, child.stderr()).toBe(0);
      const spans = collector.traces.flatMap((body) =>
        (body as { resourceSpans: { scopeSpans: { spans: { name: string }[] }[] }[] }).resourceSpans.flatMap(
          (r) => r.scopeSpans.flatMap((s) => s.spans.map((span) => span.name)),
        ),
      );
      expect(spans).toEqual(expect.arrayContaining(['GET /products/:id', 'upstream GET']));
    } finally {
      await child.stop();
    }
  }, 60_000);
});
