import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HealthResult } from '@ballast/core';
import { UnavailableError } from '@ballast/errors';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CheckInput,
  createHealth,
  type HealthRequestHandler,
  healthHandler,
  renderDoctor,
} from '../src/index.js';

// A distinctive prefix keeps a generated secret from occurring in the report by chance.
const arbSecret = fc.stringMatching(/^[A-Za-z0-9]{10,24}$/).map((tail) => `Zq9${tail}`);

/** The ways a secret shows up in free text. */
const TEXT_FORMS: readonly ((secret: string) => string)[] = [
  (secret) => `redis://default:${secret}@cache:6379`,
  (secret) => `connect to postgres://app:${secret}@db.internal:5432/app failed`,
  (secret) => `GET /v1 with Authorization: Bearer ${secret}`,
];
/** The ways a secret shows up in structured data: under a secret-named key, or as text. */
const VALUE_FORMS: readonly ((secret: string) => unknown)[] = [
  (secret) => ({ password: secret }),
  (secret) => ({ connection: { apiKey: secret, host: 'db.internal' } }),
  (secret) => ({ urls: [TEXT_FORMS[0]!(secret)] }),
  (secret) => [TEXT_FORMS[2]!(secret)],
];

type Plant = (secret: string, text: string, value: unknown) => () => HealthResult | Promise<HealthResult>;

/** Every field of a check result a secret can be planted in. */
const PLANTS: Readonly<Record<string, Plant>> = {
  output: (_, text) => () => ({ status: 'fail', output: text }),
  suggestion: (_, text) => () => ({ status: 'warn', suggestion: text }),
  'observedValue (string)': (_, text) => () => ({ status: 'warn', observedValue: text }),
  'observedValue (object)': (_, __, value) => () => ({ status: 'pass', observedValue: value as never }),
  'details (text)': (_, text) => () => ({ status: 'fail', details: { note: text } }),
  'details (value)': (_, __, value) => () => ({ status: 'warn', details: { nested: value } }),
  'thrown message': (_, text) => () => {
    throw new Error(text);
  },
  'thrown cause': (_, text) => () => {
    throw new Error('the dependency failed', { cause: new Error(text) });
  },
  'thrown details and suggestions': (_, text, value) => () => {
    throw new UnavailableError('the dependency is down', { details: { value }, suggestions: [text] });
  },
  'rejected string': (_, text) => () => Promise.reject(text),
};

const arbCase = fc.record({
  secret: arbSecret,
  text: fc.constantFrom(...TEXT_FORMS),
  value: fc.constantFrom(...VALUE_FORMS),
  field: fc.constantFrom(...Object.keys(PLANTS)),
  indicator: fc.boolean(),
  critical: fc.boolean(),
});

let server: Server;
let base: string;
let handler: HealthRequestHandler;

beforeAll(async () => {
  server = createServer((req, res) => handler(req, res));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('redaction of check results', () => {
  it('never lets a secret planted in any field of a result reach the HTTP body, check() or the doctor report', async () => {
    await fc.assert(
      fc.asyncProperty(arbCase, async ({ secret, text, value, field, indicator, critical }) => {
        const produce = PLANTS[field]!(secret, text(secret), value(secret));
        const check: CheckInput = indicator
          ? { name: 'dep', critical, check: async () => produce() }
          : { name: 'dep', critical, run: produce };
        const changes: unknown[] = [];
        const health = createHealth({ checks: [check] });
        health.on('change', (change) => changes.push(change));
        handler = healthHandler(health, { showDetails: 'always' });

        const shown: string[] = [];
        for (const path of ['/health', '/health/ready', '/health/checks/dep']) {
          shown.push(await (await fetch(`${base}${path}`)).text());
        }
        const report = await health.check();
        shown.push(JSON.stringify(report), renderDoctor(report, { color: false, verbose: true }));
        shown.push(JSON.stringify(changes));
        for (const text of shown) expect(text).not.toContain(secret);
        await health.close();
      }),
      { numRuns: 60 },
    );
  });
});
