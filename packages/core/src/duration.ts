/**
 * A duration: a number of milliseconds, or a string of one or more `<number><unit>`
 * parts with units `ms`, `s`, `m`, `h`, `d` (`'250ms'`, `'10s'`, `'1h30m'`, `'1.5s'`).
 */
export type Duration = number | string;

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const PART = /(\d+(?:\.\d+)?|\.\d+)\s*([a-zA-Z]*)\s*/y;
const TOO_LARGE = 'it is too large (more than 2^53 − 1 ms, about 285,000 years)';
const HINT = "use milliseconds or a string like '250ms', '10s', '5m', '1h30m' or '7d'";

function invalid(input: unknown, why: string): TypeError {
  const shown = typeof input === 'string' ? `"${input}"` : String(input);
  return new TypeError(`Invalid duration ${shown}: ${why}; ${HINT}.`);
}

/**
 * Converts a {@link Duration} to whole milliseconds (fractions round to the nearest ms).
 *
 * Units ignore case (`'10S'`), except `M`, which could mean months and is refused.
 *
 * @throws TypeError naming the bad input for negatives, NaN, infinities, more than
 * `Number.MAX_SAFE_INTEGER` ms, empty strings, unknown units, `M`, and anything that is
 * not a number or string.
 */
export function parseDuration(input: Duration): number {
  if (typeof input === 'number') {
    if (Number.isNaN(input)) throw invalid(input, 'it is not a number');
    if (!Number.isFinite(input)) throw invalid(input, 'it must be finite');
    if (input < 0) throw invalid(input, 'it must not be negative');
    if (input > Number.MAX_SAFE_INTEGER) throw invalid(input, TOO_LARGE);
    return Math.round(input) + 0; // + 0 turns -0 into 0
  }
  if (typeof input !== 'string') throw invalid(input, `expected a number or a string, got ${typeof input}`);
  const text = input.trim();
  if (text === '') throw invalid(input, 'it is empty');
  if (text.startsWith('-')) throw invalid(input, 'it must not be negative');
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const at = PART.lastIndex;
    const match = PART.exec(text);
    if (!match) throw invalid(input, `cannot read "${text.slice(at)}"`);
    const [, amount, rawUnit] = match as unknown as [string, string, string];
    const unit = rawUnit.toLowerCase();
    const factor = unit === '' ? 1 : UNIT_MS[unit];
    if (factor === undefined) throw invalid(input, `unknown unit "${rawUnit}"`);
    if (rawUnit === 'M') throw invalid(input, `"M" could mean months; write "m" for minutes`);
    if (unit === '' && (at > 0 || PART.lastIndex < text.length)) {
      throw invalid(input, `"${amount}" needs a unit`);
    }
    total += Number(amount) * factor;
  }
  if (!(total <= Number.MAX_SAFE_INTEGER)) throw invalid(input, TOO_LARGE);
  return Math.round(total);
}

/**
 * Formats milliseconds as the shortest readable {@link Duration} string that
 * {@link parseDuration} reads back to the same value (`5400000` → `'1h30m'`,
 * `1500` → `'1s500ms'`, `0` → `'0ms'`).
 *
 * @throws TypeError for negative, fractional or non-finite input.
 */
export function formatDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new TypeError(`formatDuration expects a non-negative whole number of milliseconds, got ${ms}.`);
  }
  if (ms === 0) return '0ms';
  let rest = ms;
  let out = '';
  for (const unit of ['d', 'h', 'm', 's', 'ms'] as const) {
    const size = UNIT_MS[unit]!;
    const count = Math.floor(rest / size);
    if (count > 0) {
      out += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return out;
}
