#!/usr/bin/env node
import { spawnSync } from 'node:child_process';
// `pnpm demo` runs the composed example service once examples/http-service exists.
import { existsSync } from 'node:fs';

const example = new URL('../examples/http-service/package.json', import.meta.url);
if (!existsSync(example)) {
  console.log(
    'The demo arrives with examples/http-service; until then, `pnpm test` shows every package at work.',
  );
  process.exit(0);
}
const result = spawnSync('pnpm', ['--filter', 'http-service', 'run', 'demo'], { stdio: 'inherit' });
process.exit(result.status ?? 1);
