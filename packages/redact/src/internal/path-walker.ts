import type { CompiledCensor } from './censor.js';
import { hashCensor } from './censor.js';
import type { PathState } from './path-automaton.js';

/** Arrays longer than this are walked by their own keys (see `walk`). */
const DENSE_LIMIT = 1000;
const INDEX = /^(?:0|[1-9]\d*)$/;

/**
 * The paths-only walk (`normalize: false`): follows the compiled paths and nothing else,
 * copying only the objects on the way to a redacted value (the rest is shared). No
 * per-call allocation beyond those copies unless the censor is a function.
 */
export class PathWalker {
  private readonly path: string[] = [];

  constructor(
    private readonly root: PathState,
    private readonly censor: CompiledCensor,
    private readonly remove: boolean,
  ) {}

  run(value: unknown): unknown {
    if (typeof value !== 'object' || value === null) return value;
    return this.walk(value as Record<string, unknown>, this.root, 0);
  }

  private replacement(value: unknown, depth: number): unknown {
    const censor = this.censor;
    if (censor.kind === 'string') return censor.text;
    if (censor.kind === 'hash') return hashCensor(censor.key, value);
    return censor.fn(value, this.path.slice(0, depth));
  }

  private walk(obj: Record<string, unknown>, state: PathState, depth: number): unknown {
    let out: Record<string, unknown> | undefined;
    if (state.other === null) {
      const keys = state.namedKeys;
      const states = state.namedStates;
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!;
        if (!Object.hasOwn(obj, key)) continue;
        out = this.step(obj, out, key, states[i]!, depth);
      }
    } else if (Array.isArray(obj)) {
      const length = (obj as unknown[]).length;
      if (length <= DENSE_LIMIT) {
        for (let i = 0; i < length; i++) {
          const key = String(i);
          const next = state.named?.get(key) ?? state.other;
          out = this.step(obj, out, key, next, depth);
        }
      } else {
        // A long array may be sparse (length 2³²−1, one element): only its own elements are
        // visited, so the work is that of the elements that exist. None is skipped.
        for (const key in obj) {
          if (!Object.hasOwn(obj, key) || !INDEX.test(key)) continue;
          const next = state.named?.get(key) ?? state.other;
          out = this.step(obj, out, key, next, depth);
        }
      }
    } else {
      for (const key in obj) {
        if (!Object.hasOwn(obj, key)) continue;
        const next = state.named?.get(key) ?? state.other;
        out = this.step(obj, out, key, next, depth);
      }
    }
    return out ?? obj;
  }

  private step(
    obj: Record<string, unknown>,
    out: Record<string, unknown> | undefined,
    key: string,
    state: PathState,
    depth: number,
  ): Record<string, unknown> | undefined {
    const value = obj[key];
    if (value === undefined || value === null) return out;
    let next: unknown;
    this.path[depth] = key;
    if (state.terminal) {
      if (this.remove && !Array.isArray(obj)) {
        const copy = out ?? copyOf(obj);
        delete copy[key];
        return copy;
      }
      // A removed array element becomes undefined (JSON null), as in fast-redact.
      next = this.remove ? undefined : this.replacement(value, depth + 1);
    } else if (typeof value === 'object' && value !== null) {
      next = this.walk(value as Record<string, unknown>, state, depth + 1);
    } else {
      return out;
    }
    if (next === value) return out;
    const copy = out ?? copyOf(obj);
    if (key === '__proto__') {
      Object.defineProperty(copy, key, { value: next, enumerable: true, writable: true, configurable: true });
    } else {
      copy[key] = next;
    }
    return copy;
  }
}

function copyOf(obj: Record<string, unknown>): Record<string, unknown> {
  if (!Array.isArray(obj)) return { ...obj };
  return (obj.length <= DENSE_LIMIT ? obj.slice() : copyLongArray(obj)) as unknown as Record<string, unknown>;
}

/**
 * A copy of a long array made from its own elements: `slice()` visits every index, which
 * for a sparse array of length 2³²−1 never ends.
 */
export function copyLongArray(arr: readonly unknown[]): unknown[] {
  return Object.assign(new Array<unknown>(arr.length), arr);
}
