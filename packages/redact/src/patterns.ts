import { assignmentPattern } from './internal/assignment.js';
import { DEFAULT_KEYS } from './keys.js';
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

// Issuer prefixes of the major networks (Visa, Mastercard, Amex, Diners, Discover, JCB, UnionPay):
// they keep 13–19 digit ids and timestamps that happen to pass Luhn from being redacted.
const CARD_PREFIX = /^(?:4|5[1-5]|2[2-7]|3[47]|3[068]|35|6(?:011|5|4[4-9]|2))/;

function isCardNumber(candidate: string): boolean {
  const digits = candidate.replace(/[ -]/g, '');
  return digits.length >= 13 && digits.length <= 19 && CARD_PREFIX.test(digits) && luhnValid(digits);
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
  {
    name: 'jwt',
    regex: /(?<![\w-])eyJ[\w-]{5,}\.eyJ[\w-]{5,}\.[\w-]*/g,
    hint: 'eyj',
    minLength: 18,
  },
  {
    name: 'bearer',
    regex: /\b(?:Bearer|bearer|BEARER)\s+([\w\-.~+/]+=*)/g,
    group: 1,
    validate: isBearerToken,
    hint: 'bearer',
    minLength: 15,
  },
  {
    name: 'basic',
    regex: /\b(?:Basic|basic|BASIC)\s+([A-Za-z0-9+/]{4,}={0,2})(?![\w+/=])/g,
    group: 1,
    validate: isBasicCredential,
    hint: 'basic',
    minLength: 10,
  },
  {
    name: 'aws-access-key-id',
    regex: /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA)[A-Z0-9]{16}\b/g,
    hint: 'akia|asia|abia|acca|agpa|aida|aipa|anpa|anva|aroa|apka',
    minLength: 20,
  },
  {
    name: 'aws-secret-access-key',
    regex: /aws_?secret(?:_?access)?_?key["']?\s*[:=]\s*["']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi,
    group: 1,
    hint: 'aws_?secret',
    minLength: 53,
  },
  {
    name: 'private-key',
    regex:
      /-----BEGIN[A-Z ]*PRIVATE KEY( BLOCK)?-----[\s\S]*?(?:-----END[A-Z ]*PRIVATE KEY( BLOCK)?-----|$)/g,
    hint: '-----begin',
    minLength: 26,
  },
  {
    name: 'card-number',
    regex: /(?<![\d.-])\d(?:[ -]?\d){12,18}(?![\d-])/g,
    validate: isCardNumber,
    hint: '\\d[ -]?\\d[ -]?\\d[ -]?\\d[ -]?\\d[ -]?\\d[ -]?\\d[ -]?\\d[ -]?\\d[ -]?\\d[ -]?\\d[ -]?\\d[ -]?\\d',
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
      /\b[a-z][a-z0-9+.-]{0,31}:\/\/[^\s:@/?#[\]]*:(?!\d{1,5}(?:[/?#\s]|$))((?:[^@:\n\r]|:(?!\/\/))+(?:@[^@\s/?#]*)*)@/gi,
    group: 1,
    hint: ':\\/\\/',
    minLength: 7,
  },
  assignmentPattern(DEFAULT_KEYS),
] satisfies RedactPattern[]);
