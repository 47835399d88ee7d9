import { parseSize } from '@ballast/core';
import { ConfigurationError } from '@ballast/errors';
import { describe, expect, it } from 'vitest';
import { parseFreeSpace } from '../src/checks/disk-space.js';

describe('parseFreeSpace', () => {
  it('reads sizes by the shared parseSize grammar (binary units)', () => {
    for (const size of [0, 2048, '512', '512B', '50KB', '50kB', '50k', '50MB', '2GiB', '2GB', '1.5 k']) {
      expect(parseFreeSpace('minFree', size)).toEqual({ bytes: parseSize(size) });
    }
    expect(parseFreeSpace('minFree', '1GB')).toEqual(parseFreeSpace('minFree', '1GiB'));
  });

  it('reads a percentage up to 100 as a share of the disk, layered on top of sizes', () => {
    expect(parseFreeSpace('minFree', '10%')).toEqual({ share: 0.1 });
    expect(parseFreeSpace('minFree', ' 12.5 % ')).toEqual({ share: 0.125 });
    expect(parseFreeSpace('minFree', '100%')).toEqual({ share: 1 });
  });

  it.each([['101%'], ['-1%'], ['lots'], [-1], ['10 parsecs'], [Number.NaN], [{}]])(
    'rejects %j with a ConfigurationError naming the option',
    (bad) => {
      expect(() => parseFreeSpace('warnFree', bad as never)).toThrow(ConfigurationError);
      expect(() => parseFreeSpace('warnFree', bad as never)).toThrow(/Invalid option warnFree/);
    },
  );
});
