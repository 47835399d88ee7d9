import { createHealth } from '@ballast/health';
import { problemResponse } from '@ballast/http';
import { errorHandler, requestLogger } from '@ballast/http/express';
import { BallastModule } from '@ballast/http/nest';
import { requestHandler } from '@ballast/http/node';
import { createLogger } from '@ballast/logger';
import { describe, expect, it } from 'vitest';

const logger = createLogger({ sinks: [{ name: 'none', write: () => {} }] });

describe('adapter options', () => {
  it('reject bad options at construction with ConfigurationError naming them', () => {
    expect(() => requestHandler(undefined as never)).toThrow(/requestHandler/);
    expect(() => requestHandler({ logger } as never)).toThrow(/requestHandler.handle/);
    expect(() => requestHandler({ logger, handle: () => {}, helth: 1 } as never)).toThrow(
      /requestHandler.helth/,
    );
    expect(() => requestLogger({ logger, ignor: 1 } as never)).toThrow(/requestLogger.ignor/);
    expect(() => errorHandler({} as never)).toThrow(/errorHandler.logger/);
    expect(() => BallastModule.forRoot({} as never)).toThrow(/BallastModule.forRoot.logger/);
    expect(() => BallastModule.forRoot({ logger, health: 'x' } as never)).toThrow(
      /BallastModule.forRoot.health/,
    );
  });

  it('builds a Nest module without health nor request logging when asked', () => {
    const module = BallastModule.forRoot({ logger, requestLogging: false });
    expect(module.controllers).toEqual([]);
    const withHealth = BallastModule.forRoot({ logger, health: createHealth({ checks: [] }) });
    expect(withHealth.controllers).toHaveLength(1);
  });

  it('makes a problem response without a request id or logger', () => {
    expect(problemResponse(new Error('x'))).toMatchObject({
      status: 500,
      headers: { 'content-type': 'application/problem+json' },
      body: { status: 500 },
    });
    expect(problemResponse(new Error('x')).body).not.toHaveProperty('instance');
  });
});
