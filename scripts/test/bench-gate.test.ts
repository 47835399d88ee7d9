import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceNodeArgs } from '@ballast/test-utils';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  decide,
  degradeOf,
  type FloorsFile,
  type Measurement,
  median,
  parseArgs,
  parseDegrade,
  recordEntry,
  renderVerdicts,
} from '../bench-gate-lib.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'ballast-bench-gate-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const measurement = (m: number, direction: Measurement['direction'] = 'higher'): Measurement => ({
  id: 'ratio',
  direction,
  rounds: [m],
  median: m,
});
const ratio = fc.double({ min: 0.01, max: 1_000, noNaN: true });
const headroom = fc.double({ min: 0, max: 0.9, noNaN: true });

describe('bench gate decisions', () => {
  it('the median lies between the smallest and the largest round, whatever their order', () => {
    const roundsAndShuffle = fc
      .array(ratio, { minLength: 1, maxLength: 25 })
      .chain((rounds) =>
        fc.tuple(
          fc.constant(rounds),
          fc.shuffledSubarray(rounds, { minLength: rounds.length, maxLength: rounds.length }),
        ),
      );
    fc.assert(
      fc.property(roundsAndShuffle, ([rounds, shuffled]) => {
        const m = median(rounds);
        expect(median(shuffled)).toBe(m);
        expect(m).toBeGreaterThanOrEqual(Math.min(...rounds));
        expect(m).toBeLessThanOrEqual(Math.max(...rounds));
      }),
    );
  });

  it('half the rounds or fewer cannot move the median past every steady round (outliers are outvoted)', () => {
    fc.assert(
      fc.property(ratio, fc.array(ratio, { maxLength: 7 }), (steady, outliers) => {
        const rounds = [...Array.from({ length: outliers.length + 1 }, () => steady), ...outliers];
        expect(median(rounds)).toBe(steady);
      }),
    );
  });

  it('a freshly recorded bound passes the run it was recorded from, in either direction', () => {
    fc.assert(
      fc.property(ratio, headroom, fc.constantFrom('higher', 'lower'), (m, h, direction) => {
        const run = measurement(m, direction as Measurement['direction']);
        expect(decide(run, recordEntry(run, h)).pass).toBe(true);
      }),
    );
  });

  it('a speed ratio that drops by more than the headroom fails, with the figures in the reason', () => {
    fc.assert(
      fc.property(ratio, headroom, fc.double({ min: 0.002, max: 0.99, noNaN: true }), (m, h, extra) => {
        const entry = recordEntry(measurement(m), h);
        const dropped = m * (1 - h) * (1 - extra) - 0.0011;
        fc.pre(dropped > 0);
        const verdict = decide(measurement(dropped), entry);
        expect(verdict.pass).toBe(false);
        expect(verdict.reason).toContain('below the floor');
        expect(verdict.reason).toContain(String(entry.floor));
      }),
    );
  });

  it('an import-time ratio that grows by more than the headroom fails', () => {
    fc.assert(
      fc.property(ratio, headroom, fc.double({ min: 0.002, max: 10, noNaN: true }), (m, h, extra) => {
        const entry = recordEntry(measurement(m, 'lower'), h);
        const grown = (m / (1 - h)) * (1 + extra) + 0.0011;
        const verdict = decide(measurement(grown, 'lower'), entry);
        expect(verdict.pass).toBe(false);
        expect(verdict.reason).toContain('above the ceiling');
      }),
    );
  });

  it('bounds keep the headroom: floor = recorded × (1 − headroom), rounded towards leniency', () => {
    expect(recordEntry(measurement(1.25), 0.2)).toEqual({ floor: 1, recorded: 1.25 });
    expect(recordEntry(measurement(2, 'lower'), 0.2)).toEqual({ ceiling: 2.5, recorded: 2 });
    expect(recordEntry(measurement(10), 0.2, 0.35)).toEqual({ floor: 6.5, recorded: 10, headroom: 0.35 });
    expect(() => recordEntry(measurement(1), 1)).toThrow(/headroom must be in \[0, 1\)/);
  });

  it('a ratio with no recorded bound fails and says how to record one', () => {
    const verdict = decide(measurement(1.5), undefined);
    expect(verdict.pass).toBe(false);
    expect(verdict.reason).toContain('pnpm bench:gate --update --only ratio');
    expect(decide(measurement(Number.NaN), { floor: 1, recorded: 1 }).pass).toBe(false);
  });

  it('prints every round, the median, the bound and the verdict', () => {
    const table = renderVerdicts([
      decide({ id: 'x', direction: 'higher', rounds: [1, 2, 3], median: 2 }, { floor: 2.5, recorded: 3 }),
    ]);
    expect(table).toMatch(/x\s+1\.00 2\.00 3\.00\s+2\.000×\s+≥ 2\.500×\s+FAIL/);
  });

  it('parses its command line and rejects what it does not know', () => {
    const options = parseArgs([
      '--only',
      'a,b',
      '--rounds',
      '3',
      '--ms',
      '20',
      '--import-rounds',
      '2',
      '--update',
    ]);
    expect(options).toMatchObject({ only: ['a', 'b'], rounds: 3, ms: 20, importRounds: 2, update: true });
    expect(parseArgs([], { BENCH_GATE_DEGRADE: 'a=4' }).degrade.get('a')).toBe(4);
    expect(degradeOf({ degrade: parseDegrade('3') }, 'any')).toBe(3);
    expect(degradeOf({ degrade: parseDegrade('a=2,*=5') }, 'a')).toBe(2);
    expect(degradeOf({ degrade: new Map() }, 'a')).toBe(1);
    expect(() => parseArgs(['--rounds', '0'])).toThrow(/--rounds needs a positive integer/);
    expect(() => parseArgs(['--fast'])).toThrow(/unknown argument "--fast"/);
    expect(() => parseArgs(['--ms'])).toThrow(/--ms needs a value/);
    expect(() => parseDegrade('a=0.5')).toThrow(/factor ≥ 1/);
  });
});

/** Runs the gate from source on one cheap ratio with a tiny round count. */
function gate(...args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [
        ...sourceNodeArgs,
        'scripts/bench-gate.ts',
        '--only',
        'redact-paths-vs-fast-redact',
        '--rounds',
        '3',
        '--ms',
        '20',
        ...args,
      ],
      { cwd: root, encoding: 'utf8' },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error.code as number) ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

describe('bench gate, a real short run', () => {
  it('records a bound with --update, then passes against it', { timeout: 120_000 }, async () => {
    const floors = join(scratch, 'floors.json');
    // 90 % headroom: the check below passes unless the ratio falls tenfold between two runs.
    writeFileSync(floors, JSON.stringify({ headroom: 0.9, metrics: {} } satisfies FloorsFile));
    const update = await gate('--update', '--floors', floors);
    expect(update.code, update.output).toBe(0);
    const entry = (JSON.parse(readFileSync(floors, 'utf8')) as FloorsFile).metrics[
      'redact-paths-vs-fast-redact'
    ]!;
    expect(entry.floor).toBeCloseTo(entry.recorded * 0.1, 2);
    const check = await gate('--floors', floors);
    expect(check.code, check.output).toBe(0);
    expect(check.output).toMatch(/redact-paths-vs-fast-redact .* ok/);
  });

  it('fails against the repository floor when the Ballast side is degraded on purpose', {
    timeout: 120_000,
  }, async () => {
    // 30 times the work per operation: the ratio falls to about 1/30 of the recorded one.
    const run = await gate('--degrade', '30');
    expect(run.code, run.output).toBe(1);
    expect(run.output).toContain('DEGRADED on purpose');
    expect(run.output).toMatch(/redact-paths-vs-fast-redact: [\d.]+× is below the floor of [\d.]+×/);
  });
});
