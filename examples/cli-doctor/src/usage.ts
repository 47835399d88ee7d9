import { type BallastError, ValidationError } from '@ballast/errors';
import { TTLS } from './config.js';

/** `courses --help`. */
export const USAGE = `Usage: courses <command> [args] [--verbose]

Commands:
  list                      the courses you can see
  course <id>               one course and its teacher
  assignments <course-id>   a course's assignments
  grades <course-id>        a course's grades
  user <id>                 one user
  cache stats | cache clear the local cache (memory + disk)
  doctor [--production] [--json]
                            check the setup; exit 0 healthy, 1 degraded, 2 unhealthy

--verbose (-v) also prints the log lines on stderr.
Cached for: ${Object.entries(TTLS)
  .map(([type, ttl]) => `${type} ${ttl}`)
  .join(', ')}.
Environment: COURSES_API_URL, COURSES_API_TOKEN, COURSES_CACHE_DIR, XDG_CACHE_HOME, XDG_STATE_HOME
(the local stub API when COURSES_API_URL is unset; COURSES_STUB=ok|down|storm|rate-limited|expired-token|low-quota).`;

/** A command line that was not understood: exit code 2. */
export function usageError(message: string): BallastError {
  return new ValidationError(message, {
    userMessage: 'That command was not understood.',
    suggestions: ['Run `courses --help`.'],
  });
}
