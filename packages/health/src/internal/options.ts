import { ConfigurationError, invalidOption } from '@ballast/errors';

/**
 * The keys of an options type as a list; the compiler checks that `keys` names every key
 * of `T` and nothing else, so the list cannot drift from the type.
 */
export function keysOf<T>(keys: Record<keyof T, true>): readonly string[] {
  return Object.keys(keys);
}

/**
 * Checks that `value` is an options object whose own keys are all in `valid`, so a typo
 * (`timout`, `critcal`) fails at creation instead of silently leaving the default on.
 * `hints` explains keys users are known to pass by mistake.
 *
 * @throws ConfigurationError naming the unknown key, the likely intended one and the valid ones.
 */
export function checkOptions(
  owner: string,
  value: unknown,
  valid: readonly string[],
  hints: Readonly<Record<string, string>> = {},
): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidOption(owner, value, `an options object with ${valid.join(', ')}`);
  }
  for (const key of Object.keys(value)) {
    if (!valid.includes(key)) throw unknownOption(owner, key, valid, hints[key]);
  }
}

/**
 * Checks that `value` is an object (or function) with every method in `methods`, so a
 * wrong value fails at creation instead of with a TypeError on first use.
 * @throws ConfigurationError naming the option and what it expects.
 */
export function checkMethods(
  option: string,
  value: unknown,
  methods: readonly string[],
  expected: string,
): void {
  const holder = value as Record<string, unknown> | null | undefined;
  const usable =
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    methods.every((method) => typeof holder![method] === 'function');
  if (!usable) throw invalidOption(option, value, expected);
}

function unknownOption(
  owner: string,
  key: string,
  valid: readonly string[],
  hint: string | undefined,
): InstanceType<typeof ConfigurationError> {
  const option = `${owner}.${key}`;
  const intended = closest(key, valid);
  const accepts = `${owner} accepts ${valid.join(', ')}`;
  const guess = intended === undefined ? '' : ` (did you mean ${intended}?)`;
  let suggestion: string;
  if (intended !== undefined) suggestion = `Rename ${key} to ${intended}.`;
  else if (hint !== undefined) suggestion = `${hint}.`;
  else suggestion = `Remove ${key}, or use one of the options ${owner} accepts.`;
  // The value is left out on purpose: a misspelt `pasword` key may hold a secret.
  return new ConfigurationError(`Unknown option ${option}${guess}: ${hint ?? accepts}.`, {
    details: { option, expected: accepts, ...(intended === undefined ? {} : { intended }) },
    suggestions: [suggestion],
  });
}

/** The valid key a typo most likely meant: at most one edit per three letters away. */
function closest(key: string, valid: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.floor(key.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of valid) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance counting a swap of neighbours as one edit (`tiemout` → `timeout`). */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      }
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}
