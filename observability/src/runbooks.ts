// The runbook format every alert's runbook follows (docs/runbooks/README.md).
import { existsSync, readFileSync } from 'node:fs';
import { RUNBOOK_BASE } from './mixin.ts';

/** The sections of a runbook, in this order. */
export const RUNBOOK_SECTIONS = [
  'What fired',
  'Impact',
  'How to confirm',
  'Mitigations',
  'Follow-up',
] as const;

/** The repository path of the runbook a `runbook_url` names, or `undefined` for another URL. */
export function runbookPathOf(url: string): string | undefined {
  if (!url.startsWith(RUNBOOK_BASE)) return undefined;
  const name = url.slice(RUNBOOK_BASE.length);
  return /^[a-z0-9-]+\.md$/.test(name) ? `docs/runbooks/${name}` : undefined;
}

/**
 * What is wrong with a runbook file: missing, a section missing or out of order, or a
 * "How to confirm" section that does not give the `doctor` line and a metric. Empty when
 * it follows the format.
 */
export function runbookProblems(file: string): string[] {
  if (!existsSync(file)) return [`${file} does not exist`];
  const text = readFileSync(file, 'utf8');
  const headings = [...text.matchAll(/^## (.+)$/gm)].map((m) => (m[1] as string).trim());
  const problems: string[] = [];
  let last = -1;
  for (const section of RUNBOOK_SECTIONS) {
    const at = headings.indexOf(section);
    if (at === -1) problems.push(`${file}: no "## ${section}" section`);
    else if (at < last) problems.push(`${file}: "## ${section}" is out of order`);
    else last = at;
  }
  const confirm = /^## How to confirm$([\s\S]*?)(?=^## )/m.exec(text)?.[1] ?? '';
  if (!/doctor/.test(confirm)) problems.push(`${file}: "How to confirm" gives no doctor line`);
  if (!/`(ballast|http)[._][a-z_.]+/.test(confirm))
    problems.push(`${file}: "How to confirm" names no metric`);
  return problems;
}
