import { type LoggerLike, noopLogger } from '@ballast/core';
import { NotFoundError, RateLimitedError } from '@ballast/errors';
import { createHealth, type Health, pingCheck } from '@ballast/health';
import { createLogger, type Logger, type LogSink, stdoutSink } from '@ballast/logger';

/** A tiny course catalogue: the business logic both framework apps serve. */
export interface Catalogue {
  course(id: string, log?: LoggerLike): Promise<{ id: string; title: string }>;
  /** Simulates a dependency being up or down, for the readiness probe. */
  database: { up: boolean };
}

/** What both apps share: one logger, one health registry and the catalogue. */
export interface Services {
  logger: Logger;
  health: Health;
  catalogue: Catalogue;
}

const COURSES: Record<string, string> = { '1': 'Algebra', '2': 'Organic Chemistry' };

/** Builds the services; tests pass a sink that keeps lines in memory. */
export function createServices(options: { sinks?: LogSink[] } = {}): Services {
  const logger = createLogger({ name: 'frameworks-example', sinks: options.sinks ?? [stdoutSink()] });
  const database = { up: true };
  const health = createHealth({
    service: { name: 'frameworks-example', version: '1' },
    checks: [
      pingCheck('database', () => database.up, { kinds: ['readiness'] }),
      { name: 'process', kinds: ['liveness'], run: () => true },
    ],
    cacheFor: 0,
  });
  const catalogue: Catalogue = {
    database,
    async course(id, log = noopLogger) {
      if (id === 'limited')
        throw new RateLimitedError('Course lookups are limited to 60 a minute', { retryAfterMs: 30_000 });
      if (id === 'crash')
        throw new Error('connect ECONNREFUSED postgres://app:hunter2@10.0.0.7:5432/courses');
      const title = COURSES[id];
      if (title === undefined) throw new NotFoundError(`Course ${id} does not exist`, { details: { id } });
      log.info({ course: id }, 'course served');
      return { id, title };
    },
  };
  return { logger, health, catalogue };
}
