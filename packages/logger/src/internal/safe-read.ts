/**
 * Reads the logger makes of its arguments before serializing them, none of which may
 * throw: a log call must not fail on a proxy, getter or `message` that throws.
 */

const toTag = Object.prototype.toString;

/** Whether `a` is a proxy that throws when asked what it is (its prototype or its tag). */
export function isUnreadable(a: object): boolean {
  try {
    Object.getPrototypeOf(a);
    toTag.call(a);
    return false;
  } catch {
    return true;
  }
}

/** An error's message as the line's `msg`, whatever its `message` getter does. */
export function errorMessage(error: Error): string {
  try {
    return String(error.message);
  } catch {
    return '[Unserializable]';
  }
}

/**
 * The bindings but `name` (written apart). When a getter throws during the copy, the
 * others are copied as getters reading through, so the serializer marks only that one.
 */
export function withoutName(bindings: Record<string, unknown>): Record<string, unknown> {
  try {
    const { name: _, ...others } = bindings;
    return others;
  } catch {
    let keys: string[];
    try {
      keys = Object.keys(bindings);
    } catch {
      return bindings; // unreadable: serialized as such, so its name is not written twice
    }
    const others: Record<string, unknown> = {};
    for (const key of keys) {
      if (key === 'name') continue;
      Object.defineProperty(others, key, { enumerable: true, get: () => bindings[key] });
    }
    return others;
  }
}

/** `bindings.name` when it is a string; a proxy that throws on reading it has none. */
export function bindingName(bindings: Record<string, unknown>): string | undefined {
  try {
    const { name } = bindings;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}
