/**
 * Tells the operator about a problem on stderr, as `[@ballast/logger] …`, and never throws:
 * logging must not take the application down.
 */
export function reportProblem(message: string): void {
  try {
    process.stderr.write(`[@ballast/logger] ${message}\n`);
  } catch {
    // stderr itself is gone: nothing left to tell.
  }
}
