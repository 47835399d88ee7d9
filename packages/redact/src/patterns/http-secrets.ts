import type { RedactPattern } from '../types.js';

/**
 * A credential, not a word: 16 characters or more, or 8 or more with a digit or symbol
 * (`Authorization: token ghp_…` has one; `Authorization: none given` does not).
 */
function isCredential(text: string): boolean {
  return text.length >= 16 || (text.length >= 8 && /[^A-Za-z]/.test(text));
}

/**
 * Credentials in HTTP text that no key name announces, or where the key name alone would
 * censor too little.
 */
export const HTTP_SECRET_PATTERNS: readonly RedactPattern[] = Object.freeze([
  /**
   * An `Authorization`-style header written as text with any scheme: `Authorization: token
   * ghp_…`, `Token <hex>`, `ApiKey …`, `SSWS …`, custom ones. The scheme word stays
   * readable and the credential after it is censored, a parameter list (`Digest
   * username="…", response="…"`, `AWS4-HMAC-SHA256 Credential=…, Signature=…`) whole (the
   * key assignment censors a value written without a scheme). Also `Private-Token`, `X-Auth-Token` and `X-Access-Token`.
   */
  {
    name: 'authorization-header',
    regex:
      /\b(?:proxy-)?(?:authorization|private-token|x-auth-token|x-access-token)[ \t]*[:=][ \t]*[A-Za-z][\w.-]{0,30}[ \t]+(\w+=(?:"[^"\r\n]*"|[^\s,"]*)(?:,[ \t]*\w+=(?:"[^"\r\n]*"|[^\s,"]*))+|(?:[\w\-.~+/:=]|\\(?![nrt"'\\]))+)/gi,
    group: 1,
    validate: isCredential,
    prefixes: ['authorization', 'private-token', 'auth-token', 'access-token'],
    minLength: 25,
  },
  /**
   * The whole value of a `Cookie:` or `Set-Cookie:` header written as text: every
   * `name=value` pair and attribute it holds, not only the first.
   */
  {
    name: 'cookie-header',
    // From the first `name=` to the end of the line or quote: pairs joined by `;` or `, `,
    // and attributes such as `Expires=Wed, 21 Oct 2026 07:28:00 GMT`.
    regex:
      /\b(?:set-)?cookie[ \t]*:[ \t]*([^\s;=",]+=(?:[^\s"'\\]|\\(?![nrt"'\\]))*(?:[ \t]+(?:[^\s"'\\]|\\(?![nrt"'\\]))+)*)/gi,
    group: 1,
    prefixes: ['cookie'],
    minLength: 10,
  },
  /**
   * A token written as the user of a URL, with no password: `https://<token>@host` (Sentry
   * DSNs, git remotes). Only a user of 16 or more characters with a digit counts: a name
   * such as `https://deploy@host` stays.
   */
  {
    name: 'url-user-token',
    regex: /\b[a-z][a-z0-9+.-]{0,31}:(?:\\?\/){2}([\w\-.~%]{16,})@/gi,
    group: 1,
    validate: (user: string) => /\d/.test(user) && /[A-Za-z]/.test(user),
    prefixes: ['://', ':\\/'],
    minLength: 24,
  },
  /**
   * Secret URL parameters beyond the key names: session ids in path parameters
   * (`;jsessionid=…`) and query values named `sid`, `ticket`, `creds`, `signature`, `sig`,
   * `X-Amz-Signature`, `X-Amz-Credential`, `X-Goog-Signature`, `auth`, `otp` and the like.
   */
  {
    name: 'url-secret-parameter',
    regex:
      /[?&;](?:j?sessionid|phpsessid|aspsessionid\w*|sid|ticket|creds?|credentials?|sig|signature|x-amz-signature|x-amz-credential|x-goog-signature|x-goog-credential|auth|otp|pass|pw|passcode)=([^&#?;\s"'\\]+)/gi,
    group: 1,
    // A flag or a short number (`?auth=true`, `&ticket=4021`) is no secret.
    validate: (value: string) => !/^(?:true|false|yes|no|on|off|null|none|\d{1,8})$/i.test(value),
    triggers: '=',
    minLength: 5,
  },
] satisfies RedactPattern[]);
