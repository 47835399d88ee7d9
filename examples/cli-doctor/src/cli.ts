#!/usr/bin/env -S npx tsx
// The `courses` command: `pnpm --filter cli-doctor courses doctor`, or `tsx src/cli.ts list`.
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2), process.env, {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
});
