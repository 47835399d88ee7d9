import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sourceNodeArgs } from '@ballast/test-utils';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** Runs a TypeScript fixture in a child Node process; resolves with its exit and output. */
export function runFixture(
  name: string,
  args: string[],
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const script = fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...sourceNodeArgs, script, ...args], {
      cwd: root,
      env: process.env,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
