import { metrics, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { telemetryCapture } from '../src/telemetry.js';

describe('telemetryCapture', () => {
  it('captures metrics by scope and spans, and can be installed again after uninstall', async () => {
    const otel = telemetryCapture();
    for (const round of [1, 2]) {
      otel.install();
      metrics
        .getMeter('@ballast/x')
        .createCounter('ballast.x.calls', { unit: '{call}' })
        .add(round, { k: 'v' });
      trace.getTracer('@ballast/x').startSpan(`span ${round}`).end();
      const captured = await otel.metrics('@ballast/x');
      expect(captured.get('ballast.x.calls')).toEqual({
        unit: '{call}',
        points: [{ value: round, attributes: { k: 'v' } }],
      });
      expect(await otel.points('@ballast/other', 'ballast.x.calls')).toEqual([]);
      expect(otel.spans.getFinishedSpans().at(-1)?.name).toBe(`span ${round}`);
      otel.uninstall();
    }
  });
});
