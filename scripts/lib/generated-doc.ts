import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';

/**
 * Writes a document generated from the code, or with `--check` (CI) fails when the committed
 * one differs. `why` explains a stale file, given the committed and the fresh text.
 */
export function writeOrCheck(
  target: string,
  text: string,
  command: string,
  why: (current: string, text: string) => string,
): void {
  const name = relative(process.cwd(), target) || target;
  const current = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
  if (process.argv.includes('--check')) {
    if (current === text) {
      console.log(`${name} is up to date.`);
      return;
    }
    console.error(
      current === undefined
        ? `${name} is missing. Run \`${command}\` and commit the result.`
        : `${name} is stale (${why(current, text)}). Run \`${command}\` and commit the result.`,
    );
    process.exitCode = 1;
    return;
  }
  if (current !== text) writeFileSync(target, text);
  console.log(`${name}: ${current === text ? 'unchanged' : 'written'}.`);
}
