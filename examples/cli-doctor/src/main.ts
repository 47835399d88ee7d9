import type { Clock } from '@ballast/core';
import { toUserMessage, ValidationError } from '@ballast/errors';
import { doctorExitCode, renderDoctor } from '@ballast/health';
import { readConfig } from './config.js';
import { createDoctor } from './doctor.js';
import type { Transport } from './http.js';
import { STUB_CONDITIONS, type StubApi, type StubCondition, startStubApi } from './stub-api.js';
import { USAGE, usageError } from './usage.js';

/** Where the CLI writes: the process's streams, or buffers in tests. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

/** What tests replace: the source of time and the HTTP transport (e.g. a stub's, in process). */
export interface CliDeps {
  clock?: Clock;
  transport?: Transport;
}

/**
 * Runs one CLI invocation and resolves its exit code (0 ok, 1 failed, 2 usage; the
 * doctor's 0/1/2 for healthy/degraded/unhealthy). Never throws.
 *
 * The doctor, whose start-up time counts, is in the entry with nothing it does not use:
 * the data commands' cache, logger, resilience policies and batcher are a dynamic
 * `import()`, a chunk of their own in the bundle, which `doctor` never loads.
 */
export async function main(
  argv: string[],
  env: NodeJS.ProcessEnv,
  io: CliIo,
  deps: CliDeps = {},
): Promise<number> {
  const verbose = argv.includes('--verbose') || argv.includes('-v');
  const [command, ...args] = argv.filter((arg) => arg !== '--verbose' && arg !== '-v');
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.out(USAGE);
    return command === undefined ? 2 : 0;
  }
  const config = readConfig(env);
  let stub: StubApi | undefined;
  try {
    if (config.apiUrl === undefined && deps.transport === undefined) {
      const unknown = config.stub.find((condition) => !STUB_CONDITIONS.includes(condition as StubCondition));
      if (unknown !== undefined) {
        throw new ValidationError(`COURSES_STUB=${env.COURSES_STUB} names no stub condition ${unknown}`, {
          suggestions: [`Use one or more of ${STUB_CONDITIONS.join(', ')}, separated by commas.`],
        });
      }
      stub = await startStubApi({ conditions: config.stub as StubCondition[] });
    }
    const apiUrl = config.apiUrl ?? stub?.url ?? 'http://stub.invalid';
    // The local stub accepts any token; a real API needs COURSES_API_TOKEN.
    const token = config.token ?? (stub === undefined ? undefined : 'demo-token');
    const transport = deps.transport === undefined ? {} : { transport: deps.transport };

    if (command === 'doctor') {
      const unknown = args.filter((arg) => arg !== '--production' && arg !== '--json');
      if (unknown.length > 0) throw usageError(`Unknown doctor option ${unknown[0]}`);
      const health = createDoctor({
        config,
        apiUrl,
        token,
        production: args.includes('--production'),
        ...transport,
      });
      const report = await health.check();
      await health.close();
      io.out(args.includes('--json') ? JSON.stringify(report, null, 2) : renderDoctor(report));
      return doctorExitCode(report);
    }
    const { runCommand } = await import('./run-command.js');
    io.out(
      await runCommand({
        command,
        args,
        config,
        apiUrl,
        token,
        verbose,
        stderr: io.err,
        ...transport,
        ...(deps.clock === undefined ? {} : { clock: deps.clock }),
      }),
    );
    return 0;
  } catch (error) {
    io.err(toUserMessage(error));
    return ValidationError.is(error) ? 2 : 1;
  } finally {
    await stub?.close();
  }
}
