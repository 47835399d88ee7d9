import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Reporter } from 'vitest/node';

/** The variable `recordSkip` in `@ballast/test-utils` reads (kept in step with SKIP_LOG_ENV). */
const SKIP_LOG_ENV = 'BALLAST_SKIP_LOG_DIR';

/**
 * Repeats at the very end of the test output what was skipped and why (no Redis, no
 * PostgreSQL…), collected from every worker through `recordSkip`, so a green run that
 * skipped real-service tests cannot pass unnoticed.
 */
export class SkipSummaryReporter implements Reporter {
  readonly #dir: string;

  constructor() {
    // The config may be evaluated more than once (once per project): one folder per run.
    // Workers start after the config is loaded and inherit the variable.
    process.env[SKIP_LOG_ENV] ??= mkdtempSync(join(tmpdir(), 'ballast-skips-'));
    this.#dir = process.env[SKIP_LOG_ENV];
  }

  onTestRunEnd(): void {
    let text = '';
    try {
      text = readFileSync(join(this.#dir, 'skips.jsonl'), 'utf8');
    } catch {
      // nothing was skipped
    }
    rmSync(this.#dir, { recursive: true, force: true });
    const skips = new Map<string, { what: string; why: string; fix: string }>();
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const skip = JSON.parse(line) as { what: string; why: string; fix: string };
      skips.set(`${skip.what}\n${skip.why}`, skip);
    }
    if (skips.size === 0) return;
    const bar = '!'.repeat(72);
    const lines = [...skips.values()].map((s) => `!! SKIPPED ${s.what}: ${s.why}\n!!   ${s.fix}`);
    process.stdout.write(`\n${bar}\n${lines.join('\n')}\n${bar}\n`);
  }
}
