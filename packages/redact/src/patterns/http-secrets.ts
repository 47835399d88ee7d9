import type { RedactPattern } from '../patterns.js';

/**
 * Credentials in HTTP text that no key name announces, or where the key name alone would
 * censor too little.
 */
export const HTTP_SECRET_PATTERNS: readonly RedactPattern[] = Object.freeze([
  /**
   * An `Authorization`-style header written as text, with any scheme: `Authorization: token
   * ghp_…`, `Token <hex>`, `ApiKey …`, `SSWS …`, custom ones. The scheme word stays
   * readable; everything after it up to the end of the value (a quote, `,` or line end) is
   * censored, so a credential in several parts goes whole. Also `Private-Token` and
   * `X-Auth-Token` headers.
   */
  {
    name: 'authorization-header',
    regex:
      /\b(?:proxy-)?(?:authorization|private-token|x-auth-token|x-access-token)(?:\\?["'])?\s*[:=]\s*(?:\\?["'])?(?:[A-Za-z][\w.-]{0,30}[ \t]+(?![ \t]))?((?:[^\s"'\\,;]|\\(?![nrt"'\\]))(?:[ \t]*(?:[^\s"'\\,;]|\\(?![nrt"'\\])))*)/gi,
    group: 1,
    prefixes: ['uthorization', 'UTHORIZATION', 'rivate-', 'RIVATE-', '-auth-', '-Auth-', '-AUTH-', '-access-', '-Access-', '-ACCESS-'],
    minLength: 15,
  },
  /**
   * The whole value of a `Cookie:` or `Set-Cookie:` header written as text: every
   * `name=value` pair it holds, not only the first.
   */
  {
    name: 'cookie-header',
    regex: /\b(?:set-)?cookie(?:\\?["'])?\s*:\s*(?:\\?["'])?((?:[^\s"'\\]|\\(?![nrt"'\\]))(?:[ \t]*(?:[^\s"'\\]|\\(?![nrt"'\\])))*)/gi,
    group: 1,
    prefixes: ['ookie', 'OOKIE'],
    minLength: 9,
  },
  /**
   * Secret URL parameters beyond the key names: session ids in path parameters
   * (`;jsessionid=…`) and query values named `sid`, `ticket`, `creds`, `signature`, `sig`,
   * `X-Amz-Signature`, `X-Amz-Credential`, `X-Goog-Signature`, `auth`, `otp` and the like.
   */
  {
    name: 'url-secret-parameter',
    regex:
      /[?&;](?:j?sessionid|phpsessid|aspsessionid\w*|sid|ticket|creds?|credentials?|sig|signature|x-amz-signature|x-amz-credential|x-goog-signature|x-goog-credential|auth|otp|pass|pw|passcode)=([^&#\s"'\\]+)/gi,
    group: 1,
    triggers: '=',
    minLength: 5,
  },
] satisfies RedactPattern[]);
