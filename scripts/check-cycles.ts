// Fails when any package's or example's `src` has an import cycle, listing each one.
// `pnpm check:cycles`, or `tsx scripts/check-cycles.ts <dir>…` for other folders.
import { fileURLToPath } from 'node:url';
import { checkCycles, sourceRoots } from './lib/import-cycles.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const given = process.argv.slice(2);
const { ok, report } = checkCycles(given.length > 0 ? given : sourceRoots(root), root);
if (ok) console.log(report);
else {
  console.error(report);
  process.exit(1);
}
