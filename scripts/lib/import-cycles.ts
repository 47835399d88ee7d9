import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** One strongly connected group of files that import each other, with one cycle through it. */
export interface ImportCycle {
  /** Every file of the group, relative to the scanned root, sorted. */
  readonly files: readonly string[];
  /** One import chain through the group that returns to its start (first file repeated last). */
  readonly path: readonly string[];
}

const SOURCE = /\.(?:[cm]?ts|tsx)$/;
const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts'];

/** Every TypeScript source file under `dir` (declaration files aside). */
export function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') found.push(...sourceFiles(path));
    } else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) found.push(path);
  }
  return found.sort();
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

/** The file a relative specifier names, as TypeScript resolves it (`./x.js` → `./x.ts`), if any. */
export function resolveRelative(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  const stem = base.replace(/\.[cm]?jsx?$/, '');
  const candidates = [
    ...(stem === base ? [] : EXTENSIONS.map((ext) => stem + ext)),
    base,
    ...EXTENSIONS.map((ext) => base + ext),
    ...EXTENSIONS.map((ext) => join(base, `index${ext}`)),
  ];
  return candidates.find((candidate) => SOURCE.test(candidate) && isFile(candidate));
}

/**
 * The import graph of the files under `dir`: each file's relative imports and re-exports,
 * type-only ones included (a type cycle is still a tangle a reader must follow), and
 * dynamic `import()`s.
 */
export function importGraph(dir: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(dir)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = new Set<string>();
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const target = resolveRelative(file, fileName);
      if (target !== undefined) targets.add(target);
    }
    graph.set(file, [...targets].sort());
  }
  return graph;
}

/** Groups of two or more files that import each other (or one file importing itself), by Tarjan's algorithm. */
function stronglyConnected(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  let next = 0;
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next);
    next++;
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(member);
    } while (member !== node);
    if (group.length > 1 || (graph.get(node) ?? []).includes(node)) groups.push(group.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return groups;
}

/** The shortest import chain from `start` back to itself, staying inside `group`. */
function shortestCycle(graph: Map<string, string[]>, group: readonly string[], start: string): string[] {
  const inside = new Set(group);
  const parent = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    for (const target of graph.get(node) ?? []) {
      if (!inside.has(target)) continue;
      if (target === start) {
        const chain: string[] = [];
        for (let at = node; at !== start; at = parent.get(at)!) chain.unshift(at);
        return [start, ...chain, start];
      }
      if (!parent.has(target)) {
        parent.set(target, node);
        queue.push(target);
      }
    }
  }
  return [start, start];
}

/** Every import cycle among the TypeScript files under `dir`, paths relative to `root`. */
export function findCycles(dir: string, root: string = dir): ImportCycle[] {
  const graph = importGraph(dir);
  return stronglyConnected(graph).map((group) => {
    const path = shortestCycle(graph, group, group[0]!);
    return {
      files: group.map((file) => relative(root, file)),
      path: path.map((file) => relative(root, file)),
    };
  });
}

/** The `src` folders checked in a workspace: every package's and every example's. */
export function sourceRoots(root: string): string[] {
  return ['packages', 'examples'].flatMap((folder) => {
    const base = join(root, folder);
    if (!existsSync(base)) return [];
    return readdirSync(base, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && isFile(join(base, entry.name, 'package.json')))
      .map((entry) => join(base, entry.name, 'src'))
      .filter((src) => existsSync(src))
      .sort();
  });
}

/** A report of the cycles, one block per cycle, for the console. */
export function describeCycles(cycles: readonly ImportCycle[]): string {
  return cycles
    .map(
      (cycle, i) =>
        `${i + 1}. ${cycle.path.join('\n   → ')}` +
        (cycle.files.length > cycle.path.length - 1
          ? `\n   (the cycle's group: ${cycle.files.join(', ')})`
          : ''),
    )
    .join('\n');
}

/** Checks `dirs`: whether they are free of import cycles, and what to print. */
export function checkCycles(dirs: readonly string[], root: string): { ok: boolean; report: string } {
  const cycles = dirs.flatMap((dir) => findCycles(dir, root));
  if (cycles.length === 0) return { ok: true, report: `No import cycle in ${dirs.length} source folder(s).` };
  return {
    ok: false,
    report: `${cycles.length} import cycle(s):\n${describeCycles(cycles)}\n\nBreak each cycle: move what both sides need into a file that imports neither.`,
  };
}
