import { describe, expect, it } from 'vitest';
import { createRedactor } from '../src/index.js';
import { innocentPlant, leaks, type Plant, plants, seeded } from './fixtures/planted-secrets.js';

/** Per category: how many planted, how many leaked, how many innocent values changed. */
type Tally = Map<string, { planted: number; leaked: number; changed: number }>;

function count(tally: Tally, plant: Plant, leaked: boolean, changed: boolean): void {
  const row = tally.get(plant.category) ?? { planted: 0, leaked: 0, changed: 0 };
  row.planted++;
  if (leaked) row.leaked++;
  if (changed) row.changed++;
  tally.set(plant.category, row);
}

function table(title: string, tally: Tally): string {
  const rows = [...tally].sort(([a], [b]) => a.localeCompare(b));
  const lines = rows.map(
    ([name, r]) =>
      `${name.padEnd(34)} ${String(r.planted).padStart(6)} ${String(r.leaked).padStart(6)} ${String(r.changed).padStart(8)}`,
  );
  return [`${title}`, `${'category'.padEnd(34)} planted leaked changed`, ...lines].join('\n');
}

/**
 * Runs every plant through `channel` (which returns what would be written), and returns the
 * failures: a secret still showing, or text meant to stay that changed.
 */
export function runCorpus(list: readonly Plant[], channel: (value: unknown) => string) {
  const tally: Tally = new Map();
  const failures: string[] = [];
  for (const plant of list) {
    const out = channel(plant.value);
    const leaked = leaks(plant, out);
    const lost = plant.keep.filter(
      (part) => !out.includes(part) && !out.includes(JSON.stringify(part).slice(1, -1)),
    );
    const innocentChanged =
      plant.category === 'innocent' && typeof plant.value === 'object' && out !== JSON.stringify(plant.value);
    count(tally, plant, leaked.length > 0, lost.length > 0 || innocentChanged);
    if (leaked.length > 0) failures.push(`leak ${plant.category}: ${JSON.stringify(plant.value)} → ${out}`);
    if (lost.length > 0 || innocentChanged)
      failures.push(`changed ${plant.category}: ${JSON.stringify(plant.value)} → ${out}`);
  }
  return { tally, failures };
}

const redact = createRedactor();
/** What a log line would show: a string as it is, anything else as JSON. */
const show = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

describe('the planted-secret corpus', () => {
  it('leaves no planted secret and changes no innocent text in 6,000 generated log values', () => {
    // Each plant alone (as a message string or an object), then many at once in log objects.
    const list = plants(17, 6000);
    const { tally, failures } = runCorpus(list, (value) => show(redact(value)));
    console.log(table('createRedactor() on 6,000 planted values', tally));
    expect(failures.slice(0, 20)).toEqual([]);
  });

  it('leaves none when the plants sit together in one log object', () => {
    const list = plants(29, 3000);
    const failures: string[] = [];
    for (let i = 0; i < list.length; i += 6) {
      const group = list.slice(i, i + 6);
      const line = {
        level: 30,
        msg: 'request',
        req: { items: group.map((plant) => plant.value) },
        note: group[0]!.value,
      };
      const out = JSON.stringify(redact(line));
      for (const plant of group) {
        if (leaks(plant, out).length > 0)
          failures.push(`leak ${plant.category}: ${JSON.stringify(plant.value)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('changes none of 2,000 innocent look-alikes', () => {
    const r = seeded(41);
    const changed: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const { value } = innocentPlant(r);
      const out = redact(value);
      if (JSON.stringify(out) !== JSON.stringify(value))
        changed.push(`${JSON.stringify(value)} → ${JSON.stringify(out)}`);
    }
    expect(changed).toEqual([]);
  });
});
