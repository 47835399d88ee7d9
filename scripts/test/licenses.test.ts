import { describe, expect, it } from 'vitest';
import { isAllowed, judgeLicenses, parseLicensesJson } from '../lib/licenses.ts';

const allowed = new Set(['MIT', 'ISC', 'Apache-2.0', 'BSD-2-Clause', 'BSD-3-Clause', '0BSD']);

describe('licence allow-list', () => {
  it('accepts allowed identifiers and SPDX expressions satisfied by them', () => {
    expect(isAllowed('MIT', allowed)).toBe(true);
    expect(isAllowed('(MIT OR GPL-3.0-only)', allowed)).toBe(true);
    expect(isAllowed('MIT AND BSD-3-Clause', allowed)).toBe(true);
  });

  it('rejects copyleft, unknown, missing and partly allowed licences', () => {
    expect(isAllowed('GPL-3.0-only', allowed)).toBe(false);
    expect(isAllowed('MIT AND GPL-3.0-only', allowed)).toBe(false);
    expect(isAllowed('UNLICENSED', allowed)).toBe(false);
    expect(isAllowed(undefined, allowed)).toBe(false);
    expect(isAllowed('', allowed)).toBe(false);
  });

  it('applies an exception only to its dependency and its exact licence', () => {
    const policy = {
      allowed: [...allowed],
      exceptions: { 'lru-cache': { license: 'BlueOak-1.0.0', reason: 'reviewed' } },
    };
    const { violations, excepted } = judgeLicenses(
      [
        { name: 'lru-cache', version: '11.0.0', license: 'BlueOak-1.0.0' },
        { name: 'lru-cache', version: '12.0.0', license: 'GPL-3.0-only' },
        { name: 'other', version: '1.0.0', license: 'BlueOak-1.0.0' },
        { name: 'ioredis', version: '5.0.0', license: 'MIT', peer: true },
      ],
      policy,
    );
    expect(excepted.map((dep) => dep.version)).toEqual(['11.0.0']);
    expect(violations.map((dep) => `${dep.name}@${dep.version}`)).toEqual([
      'lru-cache@12.0.0',
      'other@1.0.0',
    ]);
  });

  it("reads pnpm's JSON, one entry per installed version, and its sentence for none", () => {
    const stdout = JSON.stringify({
      MIT: [{ name: 'ms', versions: ['2.1.2', '2.1.3'], license: 'MIT' }],
      'BlueOak-1.0.0': [{ name: 'lru-cache', versions: ['11.5.3'] }],
    });
    expect(parseLicensesJson(stdout)).toEqual([
      { name: 'ms', version: '2.1.2', license: 'MIT' },
      { name: 'ms', version: '2.1.3', license: 'MIT' },
      { name: 'lru-cache', version: '11.5.3', license: 'BlueOak-1.0.0' },
    ]);
    expect(parseLicensesJson('No licenses in packages found\n')).toEqual([]);
    expect(parseLicensesJson('')).toEqual([]);
  });
});
