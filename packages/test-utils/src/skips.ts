import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the test run collects skip notices (set by the root vitest config). */
export const SKIP_LOG_ENV = 'BALLAST_SKIP_LOG_DIR';

/**
 * Notes that `what` is skipped because of `why`, with the fix, so the end of the test
 * output repeats it (the root vitest config's skip-summary reporter), not only a banner
 * lost at the top. Outside a run that collects them, only the banner is printed.
 */
export function recordSkip(what: string, why: string, fix: string): void {
  console.warn(`\n${'!'.repeat(72)}\n!! SKIPPING ${what}: ${why}\n!! ${fix}\n${'!'.repeat(72)}\n`);
  const dir = process.env[SKIP_LOG_ENV];
  if (!dir) return;
  try {
    appendFileSync(join(dir, 'skips.jsonl'), `${JSON.stringify({ what, why, fix })}\n`);
  } catch {
    // The summary is a courtesy; the banner above has been printed.
  }
}
