import * as api from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { loadedOtelApi, otelApi } from '../src/internal/otel.js';

describe('otelApi', () => {
  it('is the @opentelemetry/api module the application imports, loaded once', () => {
    expect(otelApi().trace).toBe(api.trace);
    expect(otelApi().context).toBe(api.context);
    expect(otelApi()).toBe(otelApi());
  });

  it('is handed out as already loaded once some code has loaded it', () => {
    expect(loadedOtelApi()?.metrics).toBe(api.metrics);
  });
});
