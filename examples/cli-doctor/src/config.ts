import { homedir } from 'node:os';
import { join } from 'node:path';

/** The CLI's name: its cache, state and log directories are named after it. */
export const APP = 'courses-cli';

/** How long each kind of data stays fresh (grades change most often, profiles least). */
export const TTLS = { courses: '1h', assignments: '30m', users: '2h', grades: '15m' } as const;

/** The log file rotates at this size and keeps this many old files. */
export const LOG_ROTATION = { size: '1MB', keep: 3 } as const;

/** What the CLI reads from its environment. */
export interface CliConfig {
  /** The API's base URL; `undefined` starts the local stub. */
  apiUrl: string | undefined;
  /** The API token (`COURSES_API_TOKEN`). */
  token: string | undefined;
  /** Where the disk cache lives: `$XDG_CACHE_HOME/courses-cli`, or `~/.cache/courses-cli`. */
  cacheDir: string;
  /** Where the logs live: `$XDG_STATE_HOME/courses-cli`, or `~/.local/state/courses-cli`. */
  stateDir: string;
  /** The log file, in `stateDir`. */
  logFile: string;
  /** What the local stub simulates (`COURSES_STUB=ok`, or a list such as `expired-token,low-quota`). */
  stub: string[];
  /** The home directory, shown as `~` in paths. */
  home: string;
}

/**
 * Reads the configuration: `COURSES_API_URL`, `COURSES_API_TOKEN`, `COURSES_CACHE_DIR`,
 * `COURSES_STUB`, and the XDG base directories (`XDG_CACHE_HOME`, `XDG_STATE_HOME`).
 */
export function readConfig(env: NodeJS.ProcessEnv): CliConfig {
  const home = env.HOME || homedir();
  const stateDir = join(env.XDG_STATE_HOME || join(home, '.local', 'state'), APP);
  return {
    apiUrl: env.COURSES_API_URL || undefined,
    token: env.COURSES_API_TOKEN || undefined,
    cacheDir: env.COURSES_CACHE_DIR || join(env.XDG_CACHE_HOME || join(home, '.cache'), APP),
    stateDir,
    logFile: join(stateDir, 'courses.log'),
    stub: (env.COURSES_STUB || 'ok').split(',').map((part) => part.trim()),
    home,
  };
}

/** A path with the home directory written `~`, as people read them. */
export function shownPath(path: string, home: string): string {
  return home !== '' && (path === home || path.startsWith(`${home}/`)) ? `~${path.slice(home.length)}` : path;
}
