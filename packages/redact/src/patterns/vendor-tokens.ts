import { githubChecksumValid } from '../internal/token-checksum.js';
import type { RedactPattern } from '../types.js';

// A token starts where no letter or digit runs into it. A letter right after a `\n`-style
// escape (`"…\nghp_…"` in doubly encoded JSON) or a `%XX` escape (`token%3Dghp_…`) does not
// count, so tokens inside escaped text are found too.
const START = String.raw`(?<!(?<!\\|%[0-9A-Fa-f])[A-Za-z0-9])`;
const END = '(?![A-Za-z0-9])';
const END_WORD = String.raw`(?![\w-])`;

function token(name: string, prefixes: readonly string[], body: string, extra: Partial<RedactPattern> = {}) {
  return {
    name,
    regex: new RegExp(START + body, 'g'),
    prefixes,
    minLength: Math.min(...prefixes.map((prefix) => prefix.length)) + 8,
    ...extra,
  } satisfies RedactPattern;
}

/** Whether `text` mixes letters and digits, as a random key does (`sk-abc…9`) and a slug (`sk-spring-sale`) does not. */
function looksRandom(text: string): boolean {
  return /\d/.test(text) && /[A-Za-z]/.test(text);
}

/**
 * Vendor credentials recognised by their published prefixes, after the rule sets that track
 * them (gitleaks, GitHub secret scanning, secretlint). Each is prefix-anchored and named;
 * the whole token is censored. They are part of {@link DEFAULT_PATTERNS}, and each can be
 * turned off by name (`defaultPatterns: { except: ['npm-token'] }`).
 */
export const VENDOR_TOKEN_PATTERNS: readonly RedactPattern[] = Object.freeze([
  /** Stripe secret, restricted and test keys: `sk_live_…`, `rk_live_…`, `sk_test_…`. */
  token(
    'stripe-key',
    ['sk_live_', 'sk_test_', 'sk_prod_', 'rk_live_', 'rk_test_', 'rk_prod_'],
    `[sr]k_(?:live|test|prod)_[A-Za-z0-9]{10,247}${END}`,
  ),
  /** Stripe webhook signing secrets: `whsec_…`. */
  token('stripe-webhook-secret', ['whsec_'], `whsec_[A-Za-z0-9+/]{24,}={0,2}${END}`),
  /** Classic GitHub tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`) whose CRC-32 checksum holds. */
  token('github-token', ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'], `gh[pousr]_[A-Za-z0-9]{36}${END}`, {
    validate: githubChecksumValid,
  }),
  /** Fine-grained GitHub personal access tokens: `github_pat_…`. */
  token('github-fine-grained-token', ['github_pat_'], `github_pat_[A-Za-z0-9_]{22,255}${END}`),
  /** GitLab tokens: personal (`glpat-`), deploy, runner, feed, OAuth and other `gl…-` kinds. */
  token(
    'gitlab-token',
    [
      'glpat-',
      'gldt-',
      'glft-',
      'glrt-',
      'glptt-',
      'glsoat-',
      'glimt-',
      'glagent-',
      'gloas-',
      'glffct-',
      'glcbt-',
    ],
    String.raw`gl(?:pat|dt|ft|rt|ptt|soat|imt|agent|oas|ffct|cbt)-[\w-]{20,300}(?:\.[0-9a-z]{2,20})?${END_WORD}`,
  ),
  /** Slack bot, user, app, refresh and legacy tokens: `xoxb-`, `xoxp-`, `xoxa-`, `xoxr-`, `xoxs-`, `xoxe-`, `xapp-`. */
  token(
    'slack-token',
    ['xoxa-', 'xoxb-', 'xoxe-', 'xoxe.', 'xoxo-', 'xoxp-', 'xoxr-', 'xoxs-', 'xapp-'],
    String.raw`(?:xox[abeoprs]|xoxe\.xox[bp]|xapp)-(?:\d+-)?[0-9A-Za-z][0-9A-Za-z-]{7,250}${END}`,
    { validate: looksRandom },
  ),
  /** The secret path of Slack and Discord webhook URLs; the host stays readable. */
  {
    name: 'webhook-url',
    regex:
      /(?:hooks\.slack\.com\/(?:services|workflows|triggers)|discord(?:app)?\.com\/api\/webhooks)\/([\w\-+/]{16,})/g,
    group: 1,
    prefixes: ['hooks.slack.com/', 'discord.com/api/webhooks/', 'discordapp.com/api/webhooks/'],
    minLength: 40,
  },
  /** Google API keys (`AIza…`), OAuth client secrets (`GOCSPX-…`) and access tokens (`ya29.…`). */
  token('google-api-key', ['AIza'], String.raw`AIza[\w-]{35}${END_WORD}`),
  token('google-oauth-secret', ['GOCSPX-'], String.raw`GOCSPX-[\w-]{28,}${END_WORD}`),
  token('google-oauth-token', ['ya29.'], String.raw`ya29\.[\w-]{20,}${END_WORD}`),
  /** Anthropic API keys: `sk-ant-api03-…`, `sk-ant-admin01-…`. */
  token('anthropic-key', ['sk-ant-'], String.raw`sk-ant-[a-z]+\d*-[\w-]{32,}${END_WORD}`),
  /**
   * OpenAI-style keys: `sk-proj-…`, `sk-svcacct-…`, `sk-admin-…` and legacy `sk-` + 20 or
   * more letters and digits (mixed, so a slug such as `sk-spring-sale` stays).
   */
  token(
    'openai-key',
    ['sk-'],
    String.raw`sk-(?:(?:proj|svcacct|admin|None)-[\w-]{20,}|[A-Za-z0-9]{20,}(?:T3BlbkFJ[A-Za-z0-9]{20,})?)${END_WORD}`,
    { validate: looksRandom },
  ),
  /** npm access tokens: `npm_…`. */
  token('npm-token', ['npm_'], `npm_[A-Za-z0-9]{36}${END}`),
  /** PyPI upload tokens: `pypi-AgEIcHlwaS5vcmc…`. */
  token('pypi-token', ['pypi-AgE'], String.raw`pypi-AgE[\w-]{50,}`),
  /** SendGrid API keys: `SG.<22>.<43>`. */
  token('sendgrid-key', ['SG.'], String.raw`SG\.[\w-]{16,32}\.[\w-]{16,64}${END_WORD}`),
  /** Brevo (Sendinblue) API keys: `xkeysib-…`. */
  token('sendinblue-key', ['xkeysib-'], `xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}${END}`),
  /** Twilio API key sids: `SK` + 32 hex digits. */
  token('twilio-key', ['SK'], `SK[0-9a-fA-F]{32}${END}`),
  /** Telegram bot tokens: `<bot id>:AA…` (35 characters), also in bot API URLs (`/bot<token>/`). */
  {
    name: 'telegram-bot-token',
    regex: /(?:(?<=\/bot)|(?<!(?<!\\|%[0-9A-Fa-f])[\w:]))\d{5,16}:A[\w-]{34}(?![\w-])/g,
    // Every match holds `:A`: a literal gates far fewer strings than any `:` (times, URLs, stacks).
    prefixes: [':A'],
    minLength: 41,
  },
  /** Canvas LMS-style access tokens: `<id>~<64 letters and digits>`. */
  {
    name: 'canvas-token',
    regex: /(?<!(?<!\\|%[0-9A-Fa-f])[\w~])\d{1,5}~[A-Za-z0-9]{64}(?![A-Za-z0-9])/g,
    triggers: '~',
    minLength: 66,
  },
  /** Azure storage and Service Bus connection-string keys: `AccountKey=…`, `SharedAccessKey=…`, `sig=` of SAS. */
  {
    name: 'azure-connection-key',
    regex: /(?:AccountKey|SharedAccessKey|SharedAccessSignature)=([^;"'\s]+)/gi,
    group: 1,
    prefixes: ['accountkey=', 'sharedaccess'],
    minLength: 12,
  },
  /** JSON Web Encryption tokens: five base64url parts, the first a JSON header (`eyJ…`). */
  {
    name: 'jwe',
    regex: /(?<!(?<!\\|%[0-9A-Fa-f])[\w-])eyJ[\w-]{10,}\.[\w-]*\.[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/g,
    prefixes: ['eyJ'],
    minLength: 45,
  },
  /** Other high-confidence vendor prefixes that gitleaks tracks. */
  token('age-secret-key', ['AGE-SECRET-KEY-1'], 'AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}'),
  token('digitalocean-token', ['doo_v1_', 'dop_v1_', 'dor_v1_'], `do[opr]_v1_[a-f0-9]{64}${END}`),
  token('doppler-token', ['dp.'], String.raw`dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44}${END}`),
  token('dynatrace-token', ['dt0c01.'], String.raw`dt0c01\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{64}${END}`),
  token('huggingface-token', ['hf_'], `hf_[A-Za-z]{34}${END}`),
  token('linear-api-key', ['lin_api_'], `lin_api_[A-Za-z0-9]{40}${END}`),
  token('postman-api-key', ['PMAK-'], `PMAK-[a-f0-9]{24}-[a-f0-9]{34}${END}`),
  token('pulumi-token', ['pul-'], `pul-[a-f0-9]{40}${END}`),
  token(
    'shopify-token',
    ['shpat_', 'shpca_', 'shppa_', 'shpss_'],
    `shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}${END}`,
  ),
  token('databricks-token', ['dapi'], String.raw`dapi[a-f0-9]{32}(?:-\d)?${END}`),
  token(
    'grafana-token',
    ['glc_', 'glsa_'],
    `(?:glc_[A-Za-z0-9+/]{32,400}={0,3}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})${END}`,
  ),
  token('heroku-key', ['HRKU-'], String.raw`HRKU-AA[\w-]{58}${END_WORD}`),
  token('rubygems-key', ['rubygems_'], `rubygems_[a-f0-9]{48}${END}`),
  token('planetscale-token', ['pscale_'], String.raw`pscale_(?:tkn|oauth|pw)_[\w=.-]{32,64}${END_WORD}`),
  token(
    'square-token',
    ['sq0atp-', 'sq0csp-', 'EAAA'],
    String.raw`(?:sq0atp-|sq0csp-|EAAA)[\w-]{22,60}${END_WORD}`,
  ),
  token('sentry-token', ['sntrys_', 'sntryu_'], String.raw`sntry[su]_[\w+/=]{40,}`),
  token('atlassian-token', ['ATATT3', 'ATCTT3'], String.raw`AT[AC]TT3[\w=-]{150,}`),
  token('vault-token', ['hvs.', 'hvb.'], String.raw`hv[sb]\.[\w-]{24,}${END_WORD}`),
  token(
    'flyio-token',
    ['fo1_', 'fm1r_', 'fm1a_', 'fm2_'],
    String.raw`(?:fo1_[\w-]{43}|fm[12][ar]?_[A-Za-z0-9+/]{100,}={0,3})`,
  ),
  token('figma-token', ['figd_'], String.raw`figd_[\w-]{40}${END_WORD}`),
  token(
    'newrelic-key',
    ['NRAK-', 'NRII-', 'NRJS-'],
    `(?:NRAK-[A-Z0-9]{27}|NRII-[A-Za-z0-9-]{32}|NRJS-[a-f0-9]{19})${END}`,
  ),
  token('facebook-token', ['EAAC', 'EAAM'], `EAA[CM][A-Za-z0-9]{100,}${END}`),
] satisfies RedactPattern[]);
