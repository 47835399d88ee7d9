#!/usr/bin/env node
// Runs the README's quick start exactly as a newcomer would: the commands of the bash block
// under "## Quick start", each line unchanged, on a checkout where nothing has been built.
// CI runs this first (.ci/run, .github/workflows/ci.yml), so a README whose quick start
// does not work fails CI. Under CI=true a checkout that already holds build output fails
// too: the quick start must not depend on it.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

/** The command lines of the README's quick-start block (comments and blank lines are kept as written). */
export function quickStartCommands(readme) {
  const start = readme.indexOf('## Quick start\n');
  if (start < 0) throw new Error('README.md has no "## Quick start" section');
  const end = readme.indexOf('\n## ', start + 3);
  const block = /```bash\n([\s\S]*?)```/.exec(readme.slice(start, end < 0 ? undefined : end))?.[1];
  if (block === undefined) throw new Error('the README quick start has no ```bash block');
  return block.split('\n').filter((line) => line.trim() !== '' && !line.trim().startsWith('#'));
}

/** Build output that a pristine clone does not have. */
function builtFolders() {
  const found = [];
  for (const group of ['packages', 'examples']) {
    for (const name of readdirSync(join(root, group))) {
      if (existsSync(join(root, group, name, 'dist'))) found.push(`${group}/${name}/dist`);
    }
  }
  return found;
}

/** Runs one line with bash, as pasted into a terminal; resolves its exit code and output. */
function runLine(line) {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', line], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      process.stdout.write(chunk);
    });
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), out }));
  });
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const commands = quickStartCommands(readFileSync(join(root, 'README.md'), 'utf8'));
  const built = builtFolders();
  if (built.length > 0) {
    const message = `This checkout is not pristine: ${built.join(', ')} exist, so the quick start could lean on them.`;
    if (process.env.CI === 'true') {
      console.error(`${message} CI runs the quick start on a fresh clone.`);
      process.exit(1);
    }
    console.warn(`!! ${message}`);
  }
  for (const line of commands) {
    console.log(`\n$ ${line}`);
    const { code, out } = await runLine(line);
    if (code !== 0) {
      console.error(`\nThe README's quick start failed: \`${line}\` exited with ${code}.`);
      process.exit(code);
    }
    // The demo must reach its end: a summary, a doctor report and a clean shutdown.
    if (/\bdemo\b/.test(line) && !/Shut down cleanly/.test(out)) {
      console.error(
        `\nThe README's quick start failed: \`${line}\` exited 0 but never printed "Shut down cleanly".`,
      );
      process.exit(1);
    }
  }
  console.log(`\nThe README's quick start works as written (${commands.length} commands).`);
}
