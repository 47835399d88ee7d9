// Finds the members an API Extractor report marks "(undocumented)": public declarations and
// members with no TSDoc comment. `pnpm api:check` fails on any, naming each one.

const TOP_LEVEL =
  /^export (?:declare )?(?:abstract )?(?:class|interface|function|const|let|var|type|enum|namespace) ([\w$]+)/;
const MEMBER =
  /^(?:(?:readonly|static|protected|public|abstract|declare|get|set|new)\s+)*(\[[^\]]+\]|[\w$]+|'[^']*'|"[^"]*")\s*[?!]?\s*[(:<=;]/;

/**
 * The undocumented declarations of one report, as `Owner.member` (or `name` for a
 * top-level declaration, `Owner.(call)` for a call signature, `Owner.(index)` for an index
 * signature, `Owner.(construct)` for `new (…)`).
 *
 * @param {string} report the text of an `etc/*.api.md` report
 * @returns {string[]} names in report order
 */
export function undocumentedMembers(report) {
  const lines = report.split('\n');
  const found = [];
  let owner;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const top = TOP_LEVEL.exec(line);
    if (top) owner = top[1];
    if (!line.includes('(undocumented)')) continue;
    let j = i + 1;
    while (j < lines.length && /^\s*(\/\/|$)/.test(lines[j])) j++;
    const next = lines[j] ?? '';
    const declared = TOP_LEVEL.exec(next);
    if (declared) {
      found.push(declared[1]);
      continue;
    }
    const text = next.trim();
    let name;
    if (/^new\s*[(<]/.test(text)) name = '(construct)';
    if (name === undefined && (text.startsWith('(') || text.startsWith('<'))) name = '(call)';
    if (name === undefined && /^(?:readonly\s+)?\[[\w$]+:/.test(text)) name = '(index)';
    if (name === undefined) name = MEMBER.exec(text)?.[1] ?? text.replace(/[;{].*$/, '');
    found.push(owner === undefined ? name : `${owner}.${name}`);
  }
  return found;
}
