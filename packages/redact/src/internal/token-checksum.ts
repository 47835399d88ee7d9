const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

let table: Int32Array | undefined;

/** The CRC-32 (IEEE 802.3) of an ASCII string; the table is built on first use. */
export function crc32(text: string): number {
  if (table === undefined) {
    table = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c;
    }
  }
  let crc = -1;
  for (let i = 0; i < text.length; i++) crc = (crc >>> 8) ^ table[(crc ^ text.charCodeAt(i)) & 0xff]!;
  return (crc ^ -1) >>> 0;
}

/** `value` in base 62 (`0-9A-Za-z`), left-padded with `0` to `width` characters. */
export function base62(value: number, width: number): string {
  let out = '';
  let rest = value;
  do {
    out = BASE62[rest % 62]! + out;
    rest = Math.floor(rest / 62);
  } while (rest > 0);
  return out.padStart(width, '0');
}

/**
 * Whether a classic GitHub token (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_` + 36 characters)
 * carries a valid checksum: its last 6 characters are the base-62 CRC-32 of the 30 random
 * characters before them, as GitHub's token format defines.
 */
export function githubChecksumValid(token: string): boolean {
  const body = token.slice(4, 34);
  return token.length === 40 && base62(crc32(body), 6) === token.slice(34);
}
