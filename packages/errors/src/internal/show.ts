/**
 * A received value as an error message shows it: JSON, except where JSON would
 * misreport it (NaN, ±Infinity and bigints) or say nothing useful (functions).
 */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  // JSON.stringify turns NaN and ±Infinity into null and throws on bigint.
  if (typeof value === 'number') return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
