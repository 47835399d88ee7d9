import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_KEYS, keyMatches, normalizeKey } from '../src/index.js';

const defaults = new Set(DEFAULT_KEYS.map(normalizeKey));

describe('keyMatches', () => {
  it.each([
    'password',
    'PASSWORD',
    'DB_PASSWORD',
    'dbPassword',
    'db-password',
    'db.password',
    'GITHUB_TOKEN',
    'githubToken',
    'user_token',
    'HTTPToken',
    'AWS_SECRET_ACCESS_KEY',
    'awsSecretAccessKey',
    'STRIPE_SECRET_KEY',
    'stripe_api_key',
    'oauthClientSecret',
    'sessionCookie',
    'x-api-key',
    'pwd',
    'SSH_PASSPHRASE',
    'pass\u200bword',
    '\ufeffpassword',
  ])('finds the secret in %j', (key) => {
    expect(keyMatches(defaults, key)).toBe(true);
  });

  it.each([
    'tokenCount',
    'maxTokens',
    'passwordPolicy',
    'session_id',
    'AWS_ACCESS_KEY_ID',
    'publicKey',
    'monkey',
    'secretary',
    'keyboard',
    'userName',
    '',
    '_',
  ])('leaves %s alone', (key) => {
    expect(keyMatches(defaults, key)).toBe(false);
  });

  it('matches any compound name ending in a secret word, whatever its prefix and separators', () => {
    const word = fc.stringMatching(/^[a-z]{1,8}$/);
    const separator = fc.constantFrom('_', '-', '.', ' ', '');
    fc.assert(
      fc.property(
        fc.array(word, { maxLength: 3 }),
        separator,
        fc.constantFrom(...DEFAULT_KEYS),
        (prefix, sep, secret) => {
          const joined = [...prefix, secret].join(sep === '' ? '_' : sep);
          expect(keyMatches(defaults, joined)).toBe(true);
          expect(keyMatches(defaults, joined.toUpperCase())).toBe(true);
        },
      ),
    );
  });

  it('is what createRedactor uses for keys, defaults and your own', async () => {
    const { createRedactor } = await import('../src/index.js');
    const redact = createRedactor({ keys: ['iban'] });
    expect(redact({ DB_PASSWORD: 'p', payoutIban: 'DE00', tokenCount: 3 })).toEqual({
      DB_PASSWORD: '[REDACTED]',
      payoutIban: '[REDACTED]',
      tokenCount: 3,
    });
  });
});
