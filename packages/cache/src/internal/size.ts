/** Bytes charged per entry for the entry object, the LRU node and the key. */
export const ENTRY_OVERHEAD = 200;

/**
 * Estimates the heap bytes a value holds, without serializing it: strings at two bytes
 * per character, numbers at 8, objects and arrays by their members. Deep or cyclic
 * structures stop at a fixed depth, so the estimate stays cheap and bounded.
 */
export function estimateBytes(value: unknown, depth = 0): number {
  switch (typeof value) {
    case 'string':
      return 16 + value.length * 2;
    case 'number':
    case 'bigint':
      return 8;
    case 'boolean':
    case 'undefined':
      return 4;
    case 'object': {
      if (value === null) return 4;
      if (depth > 8) return 64;
      if (ArrayBuffer.isView(value)) return 64 + value.byteLength;
      if (value instanceof ArrayBuffer) return 64 + value.byteLength;
      let total = 32;
      if (Array.isArray(value)) {
        for (const item of value) total += 8 + estimateBytes(item, depth + 1);
        return total;
      }
      if (value instanceof Map) {
        for (const [k, v] of value) total += 16 + estimateBytes(k, depth + 1) + estimateBytes(v, depth + 1);
        return total;
      }
      if (value instanceof Set) {
        for (const item of value) total += 16 + estimateBytes(item, depth + 1);
        return total;
      }
      for (const key in value) {
        total += 16 + key.length * 2 + estimateBytes((value as Record<string, unknown>)[key], depth + 1);
      }
      return total;
    }
    default:
      return 32;
  }
}
