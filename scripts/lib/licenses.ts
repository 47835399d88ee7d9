/** Licence policy: allowed SPDX identifiers and reviewed exceptions (etc/licenses.json). */
export interface LicensePolicy {
  readonly allowed: readonly string[];
  readonly exceptions?: Readonly<Record<string, { readonly license: string; readonly reason: string }>>;
}

export interface Dependency {
  readonly name: string;
  readonly version: string;
  readonly license: string | undefined;
  readonly peer?: boolean;
}

/** True when an SPDX expression is satisfied by the allow-list (`OR`: either, `AND`: both). */
export function isAllowed(expression: string | undefined, allowed: ReadonlySet<string>): boolean {
  const text = (expression ?? '').trim().replace(/^\((.*)\)$/, '$1');
  if (text === '') return false;
  if (/\sOR\s/i.test(text)) return text.split(/\s+OR\s+/i).some((part) => isAllowed(part, allowed));
  if (/\sAND\s/i.test(text)) return text.split(/\s+AND\s+/i).every((part) => isAllowed(part, allowed));
  return allowed.has(text);
}

/** The dependencies that break the policy, and the exceptions that were applied. */
export function judgeLicenses(
  deps: readonly Dependency[],
  policy: LicensePolicy,
): { violations: Dependency[]; excepted: Dependency[] } {
  const allowed = new Set(policy.allowed);
  const violations: Dependency[] = [];
  const excepted: Dependency[] = [];
  for (const dep of deps) {
    if (isAllowed(dep.license, allowed)) continue;
    const exception = policy.exceptions?.[dep.name];
    if (exception !== undefined && exception.license === dep.license) excepted.push(dep);
    else violations.push(dep);
  }
  return { violations, excepted };
}

/** Parses `pnpm licenses list --prod --json` (which prints a sentence when there are none). */
export function parseLicensesJson(stdout: string): Dependency[] {
  const text = stdout.trim();
  if (text === '' || text.startsWith('No licenses')) return [];
  const byLicense = JSON.parse(text) as Record<
    string,
    { name: string; versions: string[]; license?: string }[]
  >;
  return Object.entries(byLicense).flatMap(([license, entries]) =>
    entries.flatMap((entry) =>
      entry.versions.map((version) => ({ name: entry.name, version, license: entry.license ?? license })),
    ),
  );
}
