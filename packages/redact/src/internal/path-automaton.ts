import { type PathSegment, parsePath, WILDCARD } from './path-parser.js';

/**
 * One state of the compiled paths: where a walk stands after some keys. Several paths
 * (and several wildcards) can be live at once; determinising them up front means a
 * walk follows exactly one state per node and never backtracks.
 */
export interface PathState {
  /** A path ends here: the value at this position is censored. */
  readonly terminal: boolean;
  /** The next state for keys named by some path; `null` when no path names a key here. */
  readonly named: Map<string, PathState> | null;
  /** The keys of `named`, for walks that visit only named keys. */
  readonly namedKeys: readonly string[];
  /** The states of `named`, in the order of `namedKeys`. */
  readonly namedStates: readonly PathState[];
  /** The next state for any other key (through a wildcard); `null` when none. */
  readonly other: PathState | null;
}

interface Node {
  id: number;
  terminal: boolean;
  named: Map<string, Node>;
  wildcard: Node | null;
}

function newNode(id: number): Node {
  return { id, terminal: false, named: new Map(), wildcard: null };
}

/**
 * Compiles paths into a deterministic automaton; `null` when there are no paths.
 * @throws RedactConfigurationError for an invalid path (see parsePath).
 */
export function compilePaths(paths: readonly string[]): PathState | null {
  if (paths.length === 0) return null;
  let ids = 0;
  const root = newNode(ids++);
  for (const path of paths) {
    let node = root;
    for (const segment of parsePath(path)) node = step(node, segment, () => newNode(ids++));
    node.terminal = true;
  }
  return determinise([root], new Map());
}

function step(node: Node, segment: PathSegment, create: () => Node): Node {
  if (segment === WILDCARD) {
    node.wildcard ??= create();
    return node.wildcard;
  }
  let next = node.named.get(segment);
  if (next === undefined) {
    next = create();
    node.named.set(segment, next);
  }
  return next;
}

interface MutableState {
  terminal: boolean;
  named: Map<string, PathState> | null;
  namedKeys: string[];
  namedStates: PathState[];
  other: PathState | null;
}

function determinise(nodes: Node[], memo: Map<string, MutableState>): PathState {
  const id = nodes
    .map((node) => node.id)
    .sort((a, b) => a - b)
    .join(',');
  const known = memo.get(id);
  if (known !== undefined) return known;
  const state: MutableState = {
    terminal: nodes.some((node) => node.terminal),
    named: null,
    namedKeys: [],
    namedStates: [],
    other: null,
  };
  memo.set(id, state);
  const wildcards = nodes.flatMap((node) => (node.wildcard === null ? [] : [node.wildcard]));
  const keys = new Set(nodes.flatMap((node) => [...node.named.keys()]));
  if (keys.size > 0) {
    state.named = new Map();
    for (const key of keys) {
      const targets = nodes.flatMap((node) => {
        const next = node.named.get(key);
        return next === undefined ? [] : [next];
      });
      const next = determinise([...new Set([...targets, ...wildcards])], memo);
      state.named.set(key, next);
      state.namedKeys.push(key);
      state.namedStates.push(next);
    }
  }
  if (wildcards.length > 0) state.other = determinise([...new Set(wildcards)], memo);
  return state;
}

/** The state after `key`, or `null` when no path continues through it. */
export function nextState(state: PathState, key: string): PathState | null {
  if (state.named !== null) {
    const next = state.named.get(key);
    if (next !== undefined) return next;
  }
  return state.other;
}
