import { homedir } from 'node:os';
import { join } from 'node:path';

/** What the CLI reads from its environment. */
export interface CliConfig {
  /** The API's base URL; `undefined` starts the local stub. */
  apiUrl: string | undefined;
  /** The API token (`COURSES_API_TOKEN`). */
  token: string | undefined;
  /** Where the disk cache lives. */
  cacheDir: string;
  /** How the local stub behaves (`COURSES_STUB=ok|down|rate-limited`). */
  stubMode: string;
}

/** Reads the configuration: `COURSES_API_URL`, `COURSES_API_TOKEN`, `COURSES_CACHE_DIR`, `COURSES_STUB`. */
export function readConfig(env: NodeJS.ProcessEnv): CliConfig {
  const cacheHome = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return {
    apiUrl: env.COURSES_API_URL || undefined,
    token: env.COURSES_API_TOKEN || undefined,
    cacheDir: env.COURSES_CACHE_DIR || join(cacheHome, 'courses-cli'),
    stubMode: env.COURSES_STUB || 'ok',
  };
}
