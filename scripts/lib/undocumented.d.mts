/** The undocumented declarations of one API report, as `Owner.member` (see undocumented.mjs). */
export function undocumentedMembers(report: string): string[];
