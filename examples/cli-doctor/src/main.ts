import { type BallastError, toUserMessage, ValidationError } from '@ballast/errors';
import { doctorExitCode, renderDoctor } from '@ballast/health';
import { createApiClient } from './api-client.js';
import { dataCommands } from './commands.js';
import { readConfig } from './config.js';
import { createCoursesCache, TTLS } from './courses-cache.js';
import { createDoctor } from './doctor.js';
import { type StubApi, type StubMode, startStubApi } from './stub-api.js';

/** Where the CLI writes: the process's streams, or buffers in tests. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export const USAGE = `Usage: courses <command> [args]

Commands:
  list                      the courses you can see
  course <id>               one course and its teacher
  assignments <course-id>   a course's assignments
  grades <course-id>        a course's grades
  user <id>                 one user
  cache stats | cache clear the local cache (memory + ${'disk'})
  doctor [--production] [--json]
                            check the setup; exit 0 healthy, 1 degraded, 2 unhealthy

Cached for: ${Object.entries(TTLS)
  .map(([type, ttl]) => `${type} ${ttl}`)
  .join(', ')}.
Environment: COURSES_API_URL, COURSES_API_TOKEN, COURSES_CACHE_DIR (local stub API when COURSES_API_URL is unset).`;

const STUB_MODES: readonly string[] = ['ok', 'down', 'rate-limited'];

/** Runs one CLI invocation and resolves its exit code. Never throws. */
export async function main(argv: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.out(USAGE);
    return command === undefined ? 2 : 0;
  }
  const config = readConfig(env);
  let stub: StubApi | undefined;
  const cache = createCoursesCache({ dir: config.cacheDir });
  try {
    if (config.apiUrl === undefined) {
      if (!STUB_MODES.includes(config.stubMode)) {
        throw new ValidationError(`COURSES_STUB=${config.stubMode} is not a stub mode`, {
          suggestions: [`Use one of ${STUB_MODES.join(', ')}.`],
        });
      }
      stub = await startStubApi(config.stubMode as StubMode);
    }
    const apiUrl = config.apiUrl ?? (stub as StubApi).url;
    // The local stub accepts any token; a real API needs COURSES_API_TOKEN.
    const token = config.token ?? (stub === undefined ? undefined : 'demo-token');
    const api = createApiClient({ baseUrl: apiUrl, token });

    if (command === 'doctor') {
      const unknown = args.filter((arg) => arg !== '--production' && arg !== '--json');
      if (unknown.length > 0) throw usageError(`Unknown doctor option ${unknown[0]}`);
      const health = createDoctor({ config, apiUrl, cache, production: args.includes('--production') });
      const report = await health.check();
      await health.close();
      io.out(args.includes('--json') ? JSON.stringify(report, null, 2) : renderDoctor(report));
      return doctorExitCode(report);
    }
    if (command === 'cache') {
      if (args[0] === 'clear') {
        await cache.clear();
        io.out('Cache cleared.');
        return 0;
      }
      if (args[0] === 'stats') {
        io.out(JSON.stringify(cache.stats(), null, 2));
        return 0;
      }
      throw usageError(`Unknown cache command ${args[0] ?? '(none)'}`);
    }
    const commands = dataCommands(cache, api);
    switch (command) {
      case 'list':
        io.out(await commands.list());
        return 0;
      case 'course':
      case 'assignments':
      case 'grades':
      case 'user':
        io.out(await commands[command](args));
        return 0;
      default:
        throw usageError(`Unknown command ${command}`);
    }
  } catch (error) {
    io.err(toUserMessage(error));
    return ValidationError.is(error) ? 2 : 1;
  } finally {
    await cache.close();
    await stub?.close();
  }
}

function usageError(message: string): BallastError {
  return new ValidationError(message, {
    userMessage: 'That command was not understood.',
    suggestions: ['Run `courses --help`.'],
  });
}
