// The `courses` command. `pnpm courses doctor` (or `pnpm --filter cli-doctor courses doctor`)
// builds dist/cli.js when it is stale and runs it; the build adds the `#!/usr/bin/env node` line.
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2), process.env, {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
});
