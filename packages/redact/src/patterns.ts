import { assignmentPattern } from './internal/assignment.js';
import { DEFAULT_KEYS } from './keys.js';
import { HTTP_SECRET_PATTERNS } from './patterns/http-secrets.js';
import { VENDOR_TOKEN_PATTERNS } from './patterns/vendor-tokens.js';
import type { RedactPattern } from './types.js';

/** Whether a digit string passes the Luhn checksum card numbers carry. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

// Issuer prefixes of the major networks and the lengths each issues (Visa 13/16/19,
// Mastercard 16, Amex 15, Diners 14–19, Discover, JCB and UnionPay 16–19): they keep ids and
// timestamps that happen to pass Luhn from being redacted.
const CARD_NETWORKS: readonly [RegExp, number, number][] = [
  [/^4/, 13, 19],
  [/^(?:5[1-5]|2[2-7])/, 16, 16],
  [/^3[47]/, 15, 15],
  [/^3[068]/, 14, 19],
  [/^(?:6011|65|64[4-9]|62|35)/, 16, 19],
];

// Digits grouped as card numbers are printed: 4, then groups of 3 to 6 (`4111 1111 1111 1111`,
// `3782 822463 10005`), one kind of separator. A UUID's 8-4-4 groups are not a card.
const CARD_GROUPS = /^\d{4}(?:( |-)\d{3,6}(?:\1\d{1,6}){0,3})?$/;

function isCardNumber(candidate: string): boolean {
  const digits = candidate.replace(/[ -]/g, '');
  if (digits.length !== candidate.length && !CARD_GROUPS.test(candidate)) return false;
  const { length } = digits;
  return (
    CARD_NETWORKS.some(([prefix, min, max]) => length >= min && length <= max && prefix.test(digits)) &&
    luhnValid(digits)
  );
}

function isBasicCredential(token: string): boolean {
  if (token.length % 4 !== 0) return false;
  return Buffer.from(token, 'base64').toString('latin1').includes(':');
}

// Opaque bearer tokens are long or carry digits or symbols; an English word after "Bearer"
// ("Bearer authentication", 14 letters) stays readable. Letters-only tokens of 16+ go.
function isBearerToken(token: string): boolean {
  return token.length >= 16 || (token.length >= 8 && /[^A-Za-z]/.test(token));
}

/**
 * The value detectors on unless `defaultPatterns: false`: JWTs, `Bearer`/`Basic`
 * credentials (the token goes, the scheme stays), AWS access key ids and secret keys
 * after their usual names, PEM private keys, Luhn-valid card numbers of the major
 * networks, the password in `scheme://user:password@host` URLs, and the value written
 * after a {@link DEFAULT_KEYS | default key} in text (`password=…`, `"token":"…"`,
 * `secret: …`; `createRedactor` extends this one with your own `keys`).
 */
export const DEFAULT_PATTERNS: readonly RedactPattern[] = Object.freeze([
  ...VENDOR_TOKEN_PATTERNS,
  {
    name: 'jwt',
    regex: /(?<!(?<!\\|%[0-9A-Fa-f])[\w-])eyJ[\w-]{5,}\.eyJ[\w-]{5,}\.[\w-]*/g,
    prefixes: ['eyJ'],
    minLength: 18,
  },
  {
    name: 'bearer',
    // The token ends where a token can end: `token_type=Bearer expires_in=3600` holds none.
    regex: /\b(?:Bearer|bearer|BEARER)\s+([\w\-.~+/]+=*)(?![\w\-.~+/=])/g,
    group: 1,
    validate: isBearerToken,
    prefixes: ['bearer'],
    minLength: 15,
  },
  {
    name: 'basic',
    regex: /\b(?:Basic|basic|BASIC)\s+([A-Za-z0-9+/]{4,}={0,2})(?![\w+/=])/g,
    group: 1,
    validate: isBasicCredential,
    prefixes: ['basic'],
    minLength: 10,
  },
  {
    name: 'aws-access-key-id',
    regex:
      /(?<!(?<!\\|%[0-9A-Fa-f])\w)(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA)[A-Z0-9]{16}\b/g,
    prefixes: ['AKIA', 'ASIA', 'ABIA', 'ACCA', 'AGPA', 'AIDA', 'AIPA', 'ANPA', 'ANVA', 'AROA', 'APKA'],
    minLength: 20,
  },
  {
    name: 'aws-secret-access-key',
    regex: /aws_?secret(?:_?access)?_?key["']?\s*[:=]\s*["']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi,
    group: 1,
    prefixes: ['aws'],
    minLength: 53,
  },
  {
    name: 'private-key',
    regex:
      /-----BEGIN[A-Z ]*PRIVATE KEY( BLOCK)?-----[\s\S]*?(?:-----END[A-Z ]*PRIVATE KEY( BLOCK)?-----|$)/g,
    prefixes: ['-----BEGIN'],
    minLength: 26,
  },
  {
    name: 'card-number',
    // Not part of a longer word or number: digits inside a UUID, a commit SHA or a sha256
    // digest are not a card (a letter after a `\n`-style escape does not count as one).
    regex: /(?<!(?<!\\|%[0-9A-Fa-f])[0-9A-Za-z]|[.-])\d(?:[ -]?\d){12,18}(?![0-9A-Za-z-])/g,
    validate: isCardNumber,
    triggers: '0123456789',
    triggerCount: 13,
    minLength: 13,
  },
  {
    name: 'url-credentials',
    // The password runs to the last `@` before the host (`u:p@ss@h` → `p@ss`): an unencoded
    // `@`, `/`, `?`, `#` or space in it is common. Before its first `@` it takes any of them,
    // after it no `/?#` or space (that is the host and the path: `u:pw@h/@x` → `pw`), and 1–5
    // digits then `/?#`, a space or the end are a port (`h:8080/a@b` is no password). It
    // never crosses a line or the next `://`, so the scans of two URLs never overlap and
    // long input stays linear without a length limit.
    regex:
      /\b[a-z][a-z0-9+.-]{0,31}:(?:\\?\/){2}[^\s:@/?#[\]]*:(?!\d{1,5}(?:[/?#\s\\]|$))((?:[^@:\n\r]|:(?!\\?\/\\?\/))+(?:@[^@\s/?#]*)*)@/gi,
    group: 1,
    prefixes: ['://', ':\\/'],
    minLength: 7,
  },
  ...HTTP_SECRET_PATTERNS,
  assignmentPattern(DEFAULT_KEYS),
] satisfies RedactPattern[]);
