import { describe, expect, it } from 'vitest';
import { createHealth } from '../src/index.js';

describe('bounded check details', () => {
  it('keeps a 2³²−1-long sparse array in details to the limit, with a marker', async () => {
    const ids = new Array<unknown>(2 ** 32 - 1);
    ids[0] = { password: 'hunter2' };
    const health = createHealth({
      checks: [
        { name: 'big', run: () => ({ status: 'warn', details: { ids, blob: Buffer.alloc(1 << 20) } }) },
      ],
    });
    const entry = (await health.check()).checks.big?.[0];
    const details = entry?.details as { ids: unknown[]; blob: string };
    expect(details.ids).toHaveLength(1001);
    expect(details.ids[0]).toEqual({ password: '[REDACTED]' });
    expect(details.ids.at(-1)).toBe('[… 4,294,966,295 more items]');
    expect(details.blob).toBe('[Buffer: 1048576 bytes]');
    expect(JSON.stringify(entry).length).toBeLessThan(20_000);
  });
});
