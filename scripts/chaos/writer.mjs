// A writer process of the rotation scenario of `pnpm chaos`: writes `count` lines numbered
// from `first` through the built @ballast/logger to a rotating file that other writer
// processes share, 50 lines per event-loop turn, then closes the logger and exits.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [root = '', path = '', first = '0', count = '0', size = '64KB'] = process.argv.slice(2);
const { createLogger, fileSink } = await import(
  pathToFileURL(join(root, 'packages', 'logger', 'dist', 'index.js')).href
);
const logger = createLogger({ base: null, sinks: [fileSink({ path, rotate: { size, keep: 100_000 } })] });
const start = Number(first);
const end = start + Number(count);
const writeFrom = (from) => {
  for (let n = from; n < Math.min(from + 50, end); n++) logger.info({ n }, 'line');
  if (from + 50 < end) setImmediate(writeFrom, from + 50);
  else void logger.close().then(() => process.exit(0));
};
writeFrom(start);
