// One hostile value of `pnpm chaos`, in its own process (a value that costs unbounded work
// can take minutes or the whole heap): runs `case` once through the built packages and
// prints `{ ms, bytes }`, the time of the call and the size of what it produced.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [root = '', name = ''] = process.argv.slice(2);
const load = (pkg) => import(pathToFileURL(join(root, 'packages', pkg, 'dist', 'index.js')).href);

const sparse = () => {
  const ids = [];
  ids.length = 2 ** 32 - 1;
  return ids;
};
const lyingProxy = () =>
  new Proxy([], { get: (target, key) => (key === 'length' ? 1e9 : Reflect.get(target, key)) });

let bytes = 0;
const add = (n) => {
  bytes += n;
};
const sink = { name: 'count', write: (line) => add(Buffer.byteLength(line)) };

const cases = {
  'logger: sparse array of 2³²−1': async () => {
    const { createLogger } = await load('logger');
    const log = createLogger({ sinks: [sink] });
    return () => log.info({ ids: sparse() }, 'hostile');
  },
  'logger: Proxy claiming length 1e9': async () => {
    const { createLogger } = await load('logger');
    const log = createLogger({ sinks: [sink] });
    return () => log.info({ ids: lyingProxy() }, 'hostile');
  },
  'logger: 1 MB Buffer as first argument': async () => {
    const { createLogger } = await load('logger');
    const log = createLogger({ sinks: [sink] });
    const buffer = Buffer.alloc(1024 * 1024, 1);
    return () => log.info(buffer, 'hostile');
  },
  'redact: sparse array of 2³²−1': async () => {
    const { createRedactor } = await load('redact');
    const redact = createRedactor();
    return () => add(JSON.stringify(redact({ ids: sparse() })).length);
  },
  'serializeError: sparse array of 2³²−1': async () => {
    const { serializeError } = await load('errors');
    const error = Object.assign(new Error('hostile'), { ids: sparse() });
    return () => add(JSON.stringify(serializeError(error)).length);
  },
  'normalizeError: sparse array of 2³²−1': async () => {
    const { normalizeError, serializeError } = await load('errors');
    return () => add(JSON.stringify(serializeError(normalizeError({ ids: sparse() }))).length);
  },
};

const prepare = cases[name];
if (prepare === undefined) {
  console.error(`unknown case ${name}; known: ${Object.keys(cases).join(', ')}`);
  process.exit(2);
}
const run = await prepare();
const started = performance.now();
run();
const ms = performance.now() - started;
process.stdout.write(`${JSON.stringify({ ms, bytes, cases: Object.keys(cases) })}\n`);
process.exit(0);
