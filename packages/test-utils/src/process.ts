import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

/** The export condition under which every workspace package resolves to its TypeScript source. */
export const SOURCE_CONDITION = '@ballast/source';

/**
 * Node flags that run a TypeScript file with the workspace packages resolved to source:
 * `node ...sourceNodeArgs file.ts`. No build is needed first.
 */
export const sourceNodeArgs: readonly string[] = [`--conditions=${SOURCE_CONDITION}`, '--import', 'tsx'];

/** Options of {@link startProcess}. */
export interface StartProcessOptions {
  /** Working directory of the child. */
  cwd?: string;
  /** Environment of the child (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** What the failure messages call the child (default: the command line). */
  name?: string;
}

/** A child process whose output is kept, and which fails waits at once when it exits. */
export interface StartedProcess {
  readonly child: ChildProcess;
  /** Everything the child wrote to stdout so far. */
  stdout(): string;
  /** Everything the child wrote to stderr so far. */
  stderr(): string;
  /** Settles when the child has exited (never rejects). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /**
   * Resolves once `url` answers an HTTP request (any status). Rejects at once, with the
   * child's exit code and stderr, if the child exits first; and after `timeoutMs`.
   */
  waitForUrl(url: string, timeoutMs?: number): Promise<void>;
  /**
   * Resolves with the first line of `stream` (default stdout) matching `match`; rejects
   * like {@link waitForUrl}.
   */
  waitForLine(match: RegExp | string, timeoutMs?: number, stream?: 'stdout' | 'stderr'): Promise<string>;
  /** Sends `signal` (default SIGKILL) if the child still runs, and waits for its exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts `command args` with piped output. A test that waits for the child to become
 * ready fails as soon as the child exits, and the failure shows what the child printed
 * on stderr: no polling until a timeout ends in `ECONNREFUSED`.
 */
export function startProcess(
  command: string,
  args: readonly string[],
  options: StartProcessOptions = {},
): StartedProcess {
  const name = options.name ?? [command, ...args].join(' ');
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('error', (error) => {
      err += `\n${String(error)}`;
      exit = { code: null, signal: null };
      resolve(exit);
    });
    child.once('close', (code, signal) => {
      exit ??= { code, signal };
      resolve(exit);
    });
  });

  const failure = (why: string): Error => {
    const tail = err.trim().split('\n').slice(-40).join('\n');
    return new Error(`${name} ${why}.\n--- its stderr ---\n${tail || '(empty)'}\n---`);
  };
  const exitedFailure = (): Error =>
    failure(
      `exited (code ${exit?.code ?? 'none'}${exit?.signal ? `, signal ${exit.signal}` : ''}) before it was ready`,
    );

  async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (exit !== undefined) throw exitedFailure();
      const found = await probe();
      if (found !== undefined) return found;
      if (exit !== undefined) throw exitedFailure();
      if (Date.now() > deadline) throw failure(`was not ready within ${timeoutMs} ms (waiting for ${what})`);
      await Promise.race([sleep(50), exited]);
    }
  }

  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForUrl: (url, timeoutMs = 30_000) =>
      until(
        async () => {
          try {
            const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
            await res.body?.cancel();
            return true;
          } catch {
            return undefined;
          }
        },
        url,
        timeoutMs,
      ).then(() => undefined),
    waitForLine: (match, timeoutMs = 30_000, stream = 'stdout') =>
      until(
        async () =>
          (stream === 'stdout' ? out : err)
            .split('\n')
            .find((line) => (typeof match === 'string' ? line.includes(match) : match.test(line))),
        `a line matching ${String(match)}`,
        timeoutMs,
      ),
    async stop(signal = 'SIGKILL') {
      if (exit === undefined) child.kill(signal);
      await exited;
    },
  };
}
