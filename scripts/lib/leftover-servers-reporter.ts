import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Reporter } from 'vitest/node';

/** The variable `startRedisServer` in `@ballast/test-utils` reads (kept in step with SERVER_LOG_ENV). */
const SERVER_LOG_ENV = 'BALLAST_SERVER_LOG_DIR';

/**
 * Kills, at the end of the run, every `redis-server` a test started and never stopped: a
 * test that times out skips its own teardown, and vitest ends its worker without the worker's
 * exit handlers, so a whole cluster would outlive the run. Each server leaves a file named by
 * its pid while it runs; a pid is killed only if it still is a `redis-server`.
 */
export class LeftoverServersReporter implements Reporter {
  readonly #dir: string;

  constructor() {
    process.env[SERVER_LOG_ENV] ??= mkdtempSync(join(tmpdir(), 'ballast-servers-'));
    this.#dir = process.env[SERVER_LOG_ENV];
  }

  onTestRunEnd(): void {
    let killed = 0;
    for (const name of readdirSync(this.#dir, { withFileTypes: true }).map((entry) => entry.name)) {
      const pid = Number(name);
      if (!Number.isInteger(pid)) continue;
      let command = '';
      try {
        command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        continue; // gone already (or no /proc: nothing to check it against, so leave it)
      }
      if (!command.includes('redis-server')) continue;
      try {
        process.kill(pid, 'SIGKILL');
        killed++;
      } catch {
        // exited meanwhile
      }
    }
    rmSync(this.#dir, { recursive: true, force: true });
    if (killed > 0)
      process.stdout.write(
        `\n!! killed ${killed} redis-server process(es) a test started and never stopped\n`,
      );
  }
}
