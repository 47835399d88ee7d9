import { createRedactor, DEFAULT_KEYS, DEFAULT_PATTERNS } from '@ballast/redact';
import { CREDIT_CARD_NUMBER_PATTERN, JWT_PATTERN, redactByField, redactByPattern } from '@logtape/redaction';
import pinoRedact from '@pinojs/redact';
import fastRedact from 'fast-redact';
import { type BenchCase, defineSuite, type GoalResult, median, runGroup } from '../lib.ts';

/** A typical request log line: headers, a user, a payload, a few nested arrays. */
function logLine(i: number) {
  return {
    level: 30,
    time: 1_700_000_000_000 + i,
    msg: 'request completed',
    req: {
      id: `req-${i}`,
      method: 'POST',
      url: '/api/v1/orders?expand=items',
      headers: {
        host: 'api.example.com',
        'user-agent': 'Mozilla/5.0 (X11; Linux x86_64)',
        accept: 'application/json',
        authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.sig',
        cookie: 'sid=abc123; theme=dark',
        'content-length': '512',
      },
      remoteAddress: '10.0.0.12',
    },
    res: { statusCode: 201, headers: { 'content-type': 'application/json' } },
    user: { id: 42, name: 'Ada Lovelace', email: 'ada@example.com', password: 'hunter2' },
    order: {
      id: 'ord_123',
      items: [
        { sku: 'A-1', qty: 2, price: 9.99 },
        { sku: 'B-2', qty: 1, price: 19.5 },
      ],
      note: 'leave at the door',
    },
    responseTime: 12.5,
  };
}

const line = logLine(1);
const PATHS = ['req.headers.authorization', 'req.headers.cookie', 'user.password', 'user.email'];
const WILDCARD_PATHS = ['*.headers.authorization', '*.headers.cookie', 'user.*', 'order.items[*].price'];

const pathsOnly = createRedactor({ paths: PATHS, keys: false, patterns: false });
const wildcardOnly = createRedactor({ paths: WILDCARD_PATHS, keys: false, patterns: false });
const full = createRedactor({ paths: PATHS });
const keysOnly = createRedactor({ patterns: false });
const fr = fastRedact({ paths: PATHS });
const frWild = fastRedact({ paths: WILDCARD_PATHS });
const pr = pinoRedact({ paths: PATHS });
const prWild = pinoRedact({ paths: WILDCARD_PATHS });

// LogTape redacts a log record's properties (keys anywhere) in a sink decorator, and
// patterns in the formatter: chain both, ending in JSON like the others.
let logtapeOut = '';
const logtapeFormat = redactByPattern(
  (record: { properties: Record<string, unknown> }) => JSON.stringify(record.properties),
  [JWT_PATTERN, CREDIT_CARD_NUMBER_PATTERN] as never,
) as unknown as (record: unknown) => string;
const logtapeSink = redactByField((record) => {
  logtapeOut = logtapeFormat(record);
}) as unknown as (record: unknown) => void;
const record = {
  category: ['bench'],
  level: 'info',
  message: ['request completed'],
  rawMessage: 'request completed',
  properties: line,
  timestamp: 0,
};

/** The budget of the defaults: keys + patterns cost at most this many times paths only. */
const DEFAULTS_GOAL = 2;
/** The speed goal of the defaults against fast-redact with paths only (ops/s ratio). */
const PEER_GOAL = 0.6;

/**
 * The defaults (keys + patterns + the 4 paths) against paths only, as a time ratio: the
 * two measured side by side 3 times in alternating order, the median reported (the table
 * rows above come from another run, so their ratio can differ by the noise).
 */
async function defaultsVsPathsOnly(): Promise<{ text: string; goal: GoalResult }> {
  const time = Number(process.env.BENCH_TIME ?? 1000);
  const defaults: BenchCase = { name: 'defaults', role: 'ballast', fn: () => JSON.stringify(full(line)) };
  const paths: BenchCase = { name: 'paths', role: 'ballast', fn: () => JSON.stringify(pathsOnly(line)) };
  const ratios: number[] = [];
  for (let round = 0; round < 3; round++) {
    const cases = round % 2 === 0 ? [defaults, paths] : [paths, defaults];
    const results = await runGroup({ title: 'defaults vs paths only', cases }, time);
    const hz = (name: string) => results.find((result) => result.name === name)!.hz;
    ratios.push(hz('paths') / hz('defaults'));
  }
  const ratio = median(ratios);
  const verdict = ratio <= DEFAULTS_GOAL ? 'within' : 'over';
  const text =
    `- defaults+keys+patterns vs paths-only: **${ratio.toFixed(2)}×** the time per line, ${verdict} the goal of ` +
    `≤ ${DEFAULTS_GOAL}× (\`createRedactor({ paths })\` vs \`createRedactor({ paths, keys: false, patterns: false })\`, ` +
    `each + \`JSON.stringify\`; median of 3 side-by-side runs: ${ratios.map((r) => `${r.toFixed(2)}×`).join(', ')}).`;
  const goal = {
    label: 'redact, time of defaults (keys + patterns + paths) vs paths only',
    measured: `${ratio.toFixed(2)}×`,
    goal: `≤ ${DEFAULTS_GOAL}×`,
    met: ratio <= DEFAULTS_GOAL,
  };
  return { text, goal };
}

/**
 * The defaults (every default key and pattern) against
 * fast-redact with the 4 paths only, as a speed ratio: side by side 3 times in alternating
 * order, the median reported.
 */
async function defaultsVsFastRedact(): Promise<{ text: string; goal: GoalResult }> {
  const time = Number(process.env.BENCH_TIME ?? 1000);
  const defaults: BenchCase = { name: 'defaults', role: 'ballast', fn: () => JSON.stringify(full(line)) };
  const peer: BenchCase = { name: 'fast-redact', role: 'peer', fn: () => fr(line) };
  const ratios: number[] = [];
  for (let round = 0; round < 3; round++) {
    const cases = round % 2 === 0 ? [defaults, peer] : [peer, defaults];
    const results = await runGroup({ title: 'defaults vs fast-redact', cases }, time);
    const hz = (name: string) => results.find((result) => result.name === name)!.hz;
    ratios.push(hz('defaults') / hz('fast-redact'));
  }
  const ratio = median(ratios);
  const verdict = ratio >= PEER_GOAL ? 'meeting' : 'short of';
  const goal = {
    label: 'redact, defaults vs fast-redact with paths only',
    measured: `${ratio.toFixed(2)}×`,
    goal: `≥ ${PEER_GOAL}×`,
    met: ratio >= PEER_GOAL,
  };
  const text =
    `- defaults (${DEFAULT_PATTERNS.length} patterns, ${DEFAULT_KEYS.length} keys) vs fast-redact with paths only: **${ratio.toFixed(2)}×** its speed, ${verdict} the goal of ` +
    `≥ ${PEER_GOAL}× (\`createRedactor({ paths })\` + \`JSON.stringify\` vs \`fastRedact({ paths })\`; median of 3 side-by-side runs: ` +
    `${ratios.map((r) => `${r.toFixed(2)}×`).join(', ')}).`;
  return { text, goal };
}

export default defineSuite({
  id: 'redact',
  title: '@ballast/redact: redaction + JSON.stringify of a request log line',
  groups: () => [
    {
      title: 'paths only (4 literal paths), redact + JSON.stringify',
      note: 'Ballast `createRedactor({ paths, keys: false, patterns: false })` then `JSON.stringify`; fast-redact and @pinojs/redact with their default `serialize: JSON.stringify`.',
      goals: [
        {
          label: 'redact, 4 literal paths vs fast-redact',
          case: '@ballast/redact + JSON.stringify',
          vs: 'fast-redact',
          atLeast: 1,
        },
      ],
      cases: [
        {
          name: '@ballast/redact + JSON.stringify',
          role: 'ballast',
          fn: () => JSON.stringify(pathsOnly(line)),
        },
        { name: 'fast-redact', role: 'peer', fn: () => fr(line) },
        { name: '@pinojs/redact', role: 'peer', fn: () => pr(line) },
        { name: 'JSON.stringify alone (limit)', role: 'baseline', fn: () => JSON.stringify(line) },
      ],
    },
    {
      title: 'paths with wildcards, redact + JSON.stringify',
      note: `Paths: ${WILDCARD_PATHS.map((p) => `\`${p}\``).join(', ')}.`,
      cases: [
        {
          name: '@ballast/redact + JSON.stringify',
          role: 'ballast',
          fn: () => JSON.stringify(wildcardOnly(line)),
        },
        { name: 'fast-redact', role: 'peer', fn: () => frWild(line) },
        { name: '@pinojs/redact', role: 'peer', fn: () => prWild(line) },
        { name: 'JSON.stringify alone (limit)', role: 'baseline', fn: () => JSON.stringify(line) },
      ],
    },
    {
      title: 'keys anywhere + value patterns, redact + JSON.stringify',
      note: `Ballast default (${DEFAULT_KEYS.length} default keys at any depth, also as the last words of compound names, ${DEFAULT_PATTERNS.length} default patterns on every string and object key, key=value text included, normalizing walk) vs LogTape \`redactByField\` (13 default field regexes) + \`redactByPattern\` (JWT, card). The paths-only Ballast row is the reference for the goal: keys + patterns ≤ 2× the cost of paths only.`,
      cases: [
        { name: '@ballast/redact defaults + paths', role: 'ballast', fn: () => JSON.stringify(full(line)) },
        { name: '@ballast/redact keys only', role: 'ballast', fn: () => JSON.stringify(keysOnly(line)) },
        {
          name: '@ballast/redact paths only (reference)',
          role: 'ballast',
          fn: () => JSON.stringify(pathsOnly(line)),
        },
        {
          name: '@logtape/redaction field + pattern',
          role: 'peer',
          fn: () => {
            logtapeSink(record);
            return logtapeOut;
          },
        },
        { name: 'JSON.stringify alone (limit)', role: 'baseline', fn: () => JSON.stringify(line) },
      ],
    },
  ],
  extra: async () => {
    const measured = [await defaultsVsPathsOnly(), await defaultsVsFastRedact()];
    return { lines: measured.map((m) => m.text), goals: measured.map((m) => m.goal) };
  },
});
