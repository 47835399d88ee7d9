// Interim stand-in until @ballast/redact lands; replaced by its exports.
export const WILDCARD: unique symbol = Symbol('wildcard');
export type PathSegment = string | typeof WILDCARD;
export function parsePath(path: string): PathSegment[] {
  if (!/^(\*|[A-Za-z_$][\w$]*)(\.(\*|[A-Za-z_$][\w$]*)|\[(\d+|\*|"[^"]*"|'[^']*')\])*$/.test(path))
    throw new Error(`bad path ${path}`);
  const out: PathSegment[] = [];
  for (const m of path.matchAll(/([A-Za-z_$][\w$]*)|\*|\[(\d+|\*|"[^"]*"|'[^']*')\]/g)) {
    const t = m[1] ?? m[2] ?? '*';
    out.push(t === '*' ? WILDCARD : t.startsWith('"') || t.startsWith("'") ? t.slice(1, -1) : t);
  }
  return out;
}
export const DEFAULT_KEYS = [
  'password',
  'passwd',
  'secret',
  'token',
  'accessToken',
  'refreshToken',
  'apiKey',
  'authorization',
  'cookie',
  'setCookie',
  'privateKey',
  'clientSecret',
  'sessionId',
];
export const DEFAULT_PATTERNS = [
  /eyJ[\w-]+\.[\w-]+\.[\w-]+/,
  /Bearer\s+[\w.~+/-]+=*/,
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/,
  /\/\/[^/\s:@]+:[^/\s@]+@/,
];
