/**
 * Edit distance between two short strings: insertions, deletions, substitutions and swaps
 * of two neighbouring characters each count as one edit (`tiemout` → `timeout` is one).
 * This is the optimal-string-alignment variant of Damerau–Levenshtein.
 */
function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let previous: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, before[j - 2]! + 1);
      }
      row.push(d);
    }
    before = previous;
    previous = row;
  }
  return previous[b.length]!;
}

/**
 * The most edits {@link closestName} allows between a name and its suggestion: one per
 * three characters of the name, at least one and at most two.
 */
function threshold(name: string): number {
  return Math.min(2, Math.max(1, Math.floor(name.length / 3)));
}

/**
 * The entry of `validNames` that `name` most likely misspells, for "did you mean …?"
 * messages about unknown option keys; `undefined` when none is close enough.
 *
 * Case is ignored, and an insertion, deletion, substitution or swap of two neighbouring
 * characters each counts as one edit. A name is close enough when it is at most
 * `min(2, max(1, floor(name.length / 3)))` edits away: one edit for names of up to five
 * characters, two from six on (`levle` → `level`, `tiemout` → `timeout`, `Censor` →
 * `censor`; `ab` is never taken for `xyz`). An entry equal to `name` ignoring case always
 * wins; among equally close entries the first in `validNames` wins.
 *
 * Shared by the Ballast packages so every one of them suggests the same thing for the
 * same typo; the error wording stays with each package.
 *
 * @example closestName('timout', ['timeout', 'retries']) // → 'timeout'
 */
export function closestName(name: string, validNames: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = threshold(name) + 1;
  for (const candidate of validNames) {
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
