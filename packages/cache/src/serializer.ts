/** Turns what a remote tier stores into a string and back. */
export interface Serializer {
  /** Turns an entry envelope into the string the tier stores; may throw for a value it cannot encode. */
  serialize(value: unknown): string;
  /** May throw on bad input: the tier then deletes the entry and treats it as a miss. */
  deserialize(raw: string): unknown;
}

/** JSON: the default serializer of the Redis and file tiers. */
export const jsonSerializer: Serializer = {
  serialize: (value) => JSON.stringify(value),
  deserialize: (raw) => JSON.parse(raw),
};
