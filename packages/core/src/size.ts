/**
 * A byte size: a number of bytes, or a string of a number and an optional unit
 * (`'512'`, `'512B'`, `'50KB'`, `'50k'`, `'50MB'`, `'2GiB'`, `'1.5 GB'`).
 *
 * Units count in powers of 1024 and ignore case: `B`; `K`/`KB`/`KiB` (1024);
 * `M`/`MB`/`MiB` (1024²); `G`/`GB`/`GiB` (1024³); `T`/`TB`/`TiB` (1024⁴).
 */
export type Size = number | string;

const UNIT_BYTES: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

const SIZE = /^(\d+(?:\.\d+)?|\.\d+)\s*([a-zA-Z]*)$/;
const HINT = "use a number of bytes or a string like '512', '512B', '50KB', '50MB' or '2GiB'";

function invalid(input: unknown, why: string): TypeError {
  const shown = typeof input === 'string' ? `"${input}"` : String(input);
  return new TypeError(`Invalid size ${shown}: ${why}; ${HINT}.`);
}

/**
 * Converts a {@link Size} to whole bytes (fractions round down: `'1.5KB'` is 1536).
 *
 * Ballast counts sizes in binary: `KB` and `KiB` both mean 1024 bytes, `MB` and `MiB`
 * 1024², as operating systems and most Node tools report memory and files. Units ignore
 * case; `b` means bytes, never bits.
 *
 * @throws TypeError naming the bad input for negatives, NaN, infinities, more than
 * `Number.MAX_SAFE_INTEGER` bytes, empty strings, unknown units, and anything that is not
 * a number or string. Callers turn it into a `ConfigurationError` naming their option.
 */
export function parseSize(input: Size): number {
  if (typeof input === 'number') {
    if (Number.isNaN(input)) throw invalid(input, 'it is not a number');
    if (!Number.isFinite(input)) throw invalid(input, 'it must be finite');
    if (input < 0) throw invalid(input, 'it must not be negative');
    if (input > Number.MAX_SAFE_INTEGER) throw invalid(input, 'it is too large (more than 2^53 − 1 bytes)');
    return Math.floor(input) + 0; // + 0 turns -0 into 0
  }
  if (typeof input !== 'string') throw invalid(input, `expected a number or a string, got ${typeof input}`);
  const text = input.trim();
  if (text === '') throw invalid(input, 'it is empty');
  if (text.startsWith('-')) throw invalid(input, 'it must not be negative');
  const match = SIZE.exec(text);
  if (match === null) throw invalid(input, `cannot read "${text}"`);
  const [, amount, unit] = match as unknown as [string, string, string];
  const factor = UNIT_BYTES[unit.toLowerCase()];
  if (factor === undefined) throw invalid(input, `unknown unit "${unit}"`);
  const bytes = Math.floor(Number(amount) * factor);
  if (!(bytes <= Number.MAX_SAFE_INTEGER)) throw invalid(input, 'it is too large (more than 2^53 − 1 bytes)');
  return bytes;
}
