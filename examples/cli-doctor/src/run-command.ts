import type { Clock } from '@ballast/core';
import { createApiClient } from './api-client.js';
import { dataCommands, usersBatcher } from './commands.js';
import type { CliConfig } from './config.js';
import { createCoursesCache } from './courses-cache.js';
import type { Transport } from './http.js';
import { createCliLogger } from './log.js';
import { usageError } from './usage.js';

/** One run of a data or cache command. */
export interface CommandInput {
  command: string;
  args: string[];
  config: CliConfig;
  apiUrl: string;
  token: string | undefined;
  verbose: boolean;
  stderr: (text: string) => void;
  clock?: Clock;
  transport?: Transport;
}

/**
 * Runs a data command (`list`, `course`, …) or `cache stats|clear` with the logger, the
 * cache, the API client and the users batcher, and closes them all before it resolves
 * what to print. A failure is logged, then thrown for `main` to print.
 */
export async function runCommand(input: CommandInput): Promise<string> {
  const { command, args, config, clock } = input;
  const log = createCliLogger({
    logFile: config.logFile,
    verbose: input.verbose,
    stderr: input.stderr,
    ...(clock ? { clock } : {}),
  });
  const cache = createCoursesCache({ dir: config.cacheDir, ...(clock ? { clock } : {}) });
  const api = createApiClient({
    baseUrl: input.apiUrl,
    token: input.token,
    log,
    ...(clock ? { clock } : {}),
    ...(input.transport ? { transport: input.transport } : {}),
  });
  const users = usersBatcher(api, clock);
  const commands = dataCommands(cache, api, users);
  const started = (clock ?? Date).now();
  log.info({ command, args }, `courses ${[command, ...args].join(' ')}`);
  try {
    const output = await dispatch();
    const { stale } = cache.stats();
    if (stale > 0) input.stderr('(Some of this is from the cache: the courses API could not answer.)');
    log.info({ duration_ms: (clock ?? Date).now() - started, stale }, 'done');
    return output;
  } catch (error) {
    log.info({ duration_ms: (clock ?? Date).now() - started }, 'failed');
    throw error;
  } finally {
    await users.close();
    await cache.close();
    await log.close();
  }

  async function dispatch(): Promise<string> {
    switch (command) {
      case 'cache':
        if (args[0] === 'clear') {
          await cache.clear();
          return 'Cache cleared.';
        }
        if (args[0] === 'stats') return JSON.stringify(cache.stats(), null, 2);
        throw usageError(`Unknown cache command ${args[0] ?? '(none)'}`);
      case 'list':
        return commands.list();
      case 'course':
      case 'assignments':
      case 'grades':
      case 'user':
        return commands[command](args);
      default:
        throw usageError(`Unknown command ${command}`);
    }
  }
}
