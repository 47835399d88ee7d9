import { statfs } from 'node:fs/promises';
import { parseSize } from '@ballast/core';
import { invalidOption } from '@ballast/errors';
import { checkOptions, keysOf } from '../internal/options.js';
import type { HealthCheck } from '../types.js';
import { applySettings, type CheckSettings, reason, SETTINGS_KEYS } from './settings.js';

/**
 * An amount of free space: bytes, a size string read by `parseSize` from `@ballast/core`
 * (`'500MB'`, `'2GiB'`; binary units, `'1GB'` is 1024³ bytes) or a share of the disk (`'10%'`).
 */
export type FreeSpace = number | string;

/** Options for {@link diskSpaceCheck}. */
export interface DiskSpaceCheckOptions extends CheckSettings {
  /** Less free space than this fails. @defaultValue `'5%'` */
  minFree?: FreeSpace;
  /**
   * Less free space than this warns; must not be below `minFree` when both are sizes or
   * both are shares.
   * @defaultValue `'10%'`, or `minFree` when that is a higher share
   */
  warnFree?: FreeSpace;
}

const DISK_KEYS = keysOf<DiskSpaceCheckOptions>({ ...SETTINGS_KEYS, minFree: true, warnFree: true });
const DISK_HINTS = { path: "the path is diskSpaceCheck's first argument: diskSpaceCheck(path, options)" };

const SHARE = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/;

/** A threshold resolved against the disk's size: bytes, or a fraction of the total. */
type Threshold = { bytes: number } | { share: number };

const DEFAULT_WARN: Threshold = { share: 0.1 };

/** Reads a {@link FreeSpace} option. @throws ConfigurationError naming the option. */
export function parseFreeSpace(option: string, value: FreeSpace): Threshold {
  const share = typeof value === 'string' ? SHARE.exec(value) : null;
  if (share !== null) {
    const percent = Number(share[1]);
    if (percent <= 100) return { share: percent / 100 };
  } else {
    try {
      return { bytes: parseSize(value) };
    } catch {
      // Not a size either: the ConfigurationError below names the option and every accepted form.
    }
  }
  throw invalidOption(option, value, "bytes ≥ 0, a size like '500MB' or '2GiB', or a share like '10%'");
}

/** Whether `a` is certainly less space than `b`; sizes and shares cannot be compared before the disk is read. */
function below(a: Threshold, b: Threshold): boolean {
  if ('bytes' in a) return 'bytes' in b && a.bytes < b.bytes;
  return 'share' in b && a.share < b.share;
}

function toBytes(threshold: Threshold, total: number): number {
  return 'bytes' in threshold ? threshold.bytes : threshold.share * total;
}

/** Formats bytes for people: `12.3 GiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/**
 * Checks the free space of the file system holding `path` with `fs.statfs` (space
 * available to this unprivileged process), reporting free bytes as the observed value.
 *
 * @example diskSpaceCheck('/var/lib/app', { minFree: '1GiB', warnFree: '10%' })
 * @throws ConfigurationError for an empty path, a bad minFree or warnFree, or a warnFree below minFree.
 */
export function diskSpaceCheck(path = '/', options: DiskSpaceCheckOptions = {}): HealthCheck {
  checkOptions('diskSpaceCheck', options, DISK_KEYS, DISK_HINTS);
  if (typeof path !== 'string' || path === '') {
    throw invalidOption('diskSpaceCheck path', path, "a file-system path, like '/' or '/var/lib/app'");
  }
  const min = parseFreeSpace('minFree', options.minFree ?? '5%');
  let warn: Threshold;
  if (options.warnFree === undefined) {
    warn = below(DEFAULT_WARN, min) ? min : DEFAULT_WARN;
  } else {
    warn = parseFreeSpace('warnFree', options.warnFree);
    if (below(warn, min)) {
      throw invalidOption(
        'warnFree',
        options.warnFree,
        `at least minFree (${JSON.stringify(options.minFree ?? '5%')}): less free space than warnFree warns, less than minFree fails`,
      );
    }
  }
  const suggestion = `Free space on ${path} (old logs, caches, temporary files) or grow the volume.`;
  const check: HealthCheck = {
    name: 'disk',
    componentType: 'system',
    measurement: 'free',
    observedUnit: 'bytes',
    async run() {
      let free: number;
      let total: number;
      try {
        const stats = await statfs(path);
        free = stats.bavail * stats.bsize;
        total = stats.blocks * stats.bsize;
      } catch (error) {
        return { status: 'fail', output: `cannot read free space of ${path}: ${reason(error)}` };
      }
      const percent = total === 0 ? 0 : (free / total) * 100;
      const output = `${formatBytes(free)} free of ${formatBytes(total)} (${percent.toFixed(1)}%) on ${path}`;
      const details = { path, free, total };
      if (free < toBytes(min, total))
        return { status: 'fail', observedValue: free, output, details, suggestion };
      if (free < toBytes(warn, total))
        return { status: 'warn', observedValue: free, output, details, suggestion };
      return { status: 'pass', observedValue: free, output, details };
    },
  };
  return applySettings(check, options);
}
