import type { CompiledCensor } from './censor.js';
import { hashCensor } from './censor.js';
import type { PathState } from './path-automaton.js';
import { copyLongArray } from './path-walker.js';

type Compiled = (value: unknown) => unknown;

/** Whether no state reachable from `state` has a wildcard: the paths are all literal. */
function isLiteral(state: PathState): boolean {
  return state.other === null && state.namedStates.every(isLiteral);
}

/**
 * Generates straight-line code for literal paths (no wildcard), as fast-redact does: each
 * key becomes a constant property access, so V8 compiles monomorphic loads instead of a
 * generic walk. Objects on the way to a redacted value are copied (spread or slice); the
 * input is never written. `undefined` when a path has a wildcard or the runtime forbids
 * code generation; the generic walk then serves.
 */
export function compileLiteralPaths(
  root: PathState,
  censor: CompiledCensor,
  remove: boolean,
): Compiled | undefined {
  if (!isLiteral(root)) return undefined;
  let vars = 0;
  const lines: string[] = [];
  // Inlined at each site so every spread keeps its own (monomorphic) inline cache.
  const copyOf = (src: string) =>
    `(isArray(${src}) ? (${src}.length <= 1000 ? ${src}.slice() : copyLong(${src})) : { ...${src} })`;
  const assign = (dst: string, key: string, value: string) =>
    key === '__proto__' ? `define(${dst}, ${value});` : `${dst}[${JSON.stringify(key)}] = ${value};`;

  // Emits the redaction of the children of `src` (a value known to be a non-null object),
  // writing into copy variable `dst`, declared by the caller.
  function emit(state: PathState, src: string, dst: string, path: string[], indent: string): void {
    state.namedKeys.forEach((key, i) => {
      const child = state.namedStates[i]!;
      const k = JSON.stringify(key);
      const v = `v${vars++}`;
      const childPath = [...path, key];
      lines.push(`${indent}const ${v} = ${src}[${k}];`);
      if (child.terminal) {
        lines.push(`${indent}if (${v} !== undefined && ${v} !== null && hasOwn(${src}, ${k})) {`);
        lines.push(`${indent}  ${dst} ??= ${copyOf(src)};`);
        if (remove) {
          lines.push(`${indent}  if (isArray(${dst})) ${dst}[${k}] = undefined; else delete ${dst}[${k}];`);
        } else {
          const replacement =
            censor.kind === 'string' ? 'text' : `censor(${v}, ${JSON.stringify(childPath)})`;
          lines.push(`${indent}  ${assign(dst, key, replacement)}`);
        }
        lines.push(`${indent}}`);
        return;
      }
      const c = `c${vars++}`;
      lines.push(`${indent}if (typeof ${v} === 'object' && ${v} !== null && hasOwn(${src}, ${k})) {`);
      lines.push(`${indent}  let ${c};`);
      emit(child, v, c, childPath, `${indent}  `);
      lines.push(`${indent}  if (${c} !== undefined) {`);
      lines.push(`${indent}    ${dst} ??= ${copyOf(src)};`);
      lines.push(`${indent}    ${assign(dst, key, c)}`);
      lines.push(`${indent}  }`);
      lines.push(`${indent}}`);
    });
  }

  lines.push(`if (typeof o !== 'object' || o === null) return o;`, 'let out;');
  emit(root, 'o', 'out', [], '');
  lines.push('return out === undefined ? o : out;');

  const hasOwn = Object.hasOwn;
  const isArray = Array.isArray;
  const define = (target: object, value: unknown): void => {
    Object.defineProperty(target, '__proto__', {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  };
  // A string censor is inlined as `text`; the others are called with the value and path.
  const text = censor.kind === 'string' ? censor.text : undefined;
  const replace =
    censor.kind === 'hash'
      ? (value: unknown) => hashCensor(censor.key, value)
      : censor.kind === 'function'
        ? censor.fn
        : undefined;
  try {
    const body = `return (o) => {\n${lines.join('\n')}\n};`;
    const factory = new Function('hasOwn', 'isArray', 'define', 'censor', 'text', 'copyLong', body);
    return factory(hasOwn, isArray, define, replace, text, copyLongArray) as Compiled;
  } catch {
    return undefined;
  }
}
