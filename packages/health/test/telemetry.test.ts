import { telemetryCapture } from '@ballast/test-utils/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHealth } from '../src/index.js';

const otel = telemetryCapture();
beforeAll(otel.install);
afterAll(otel.uninstall);

describe('telemetry', () => {
  it('records each run in ballast.health.check.duration by check and status', async () => {
    const health = createHealth({
      checks: [
        { name: 'db', run: () => true },
        { name: 'queue', critical: false, run: () => false },
      ],
    });
    await health.check();
    await health.check();
    const metric = (await otel.metrics('@ballast/health')).get('ballast.health.check.duration');
    expect(metric?.unit).toBe('ms');
    const points = (metric?.points ?? []).map((p) => ({
      attributes: p.attributes,
      count: (p.value as { count: number }).count,
    }));
    expect(points).toEqual(
      expect.arrayContaining([
        { attributes: { 'health.check': 'db', 'health.status': 'pass' }, count: 2 },
        { attributes: { 'health.check': 'queue', 'health.status': 'fail' }, count: 2 },
      ]),
    );
  });
});
