import fc from 'fast-check';

/** Every object and array reachable from `root`, parents first. */
function containers(root: unknown): object[] {
  const found: object[] = [];
  const seen = new Set<unknown>();
  const visit = (value: unknown): void => {
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    found.push(value);
    if (value instanceof Map) for (const item of value.values()) visit(item);
    else if (value instanceof Set) for (const item of value) visit(item);
    else if (!ArrayBuffer.isView(value)) for (const key of Object.keys(value)) visit((value as never)[key]);
  };
  visit(root);
  return found;
}

/** Links `target` from `holder`, whatever kind of container it is. */
function link(holder: object, target: unknown): void {
  if (ArrayBuffer.isView(holder) || Object.isFrozen(holder)) return;
  if (holder instanceof Map) holder.set('cycle', target);
  else if (holder instanceof Set) holder.add(target);
  else if (Array.isArray(holder)) holder.push(target);
  else Object.defineProperty(holder, 'cycle', { value: target, enumerable: true, configurable: true });
}

/** Anything fast-check can build, sometimes with cycles planted from a node back to an ancestor. */
export const anythingWithCycles = fc
  .tuple(
    fc.anything({
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withObjectString: true,
      withSparseArray: true,
      withTypedArray: true,
    }),
    fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 3 }),
  )
  .map(([value, cycles]) => {
    const nodes = containers(value);
    for (const [from, to] of cycles) {
      if (nodes.length === 0) break;
      const a = from % nodes.length;
      const b = to % nodes.length;
      link(nodes[Math.max(a, b)]!, nodes[Math.min(a, b)]);
    }
    return value;
  });

/** Thrown-value shapes: anything, or errors wrapping anything as cause, fields or members. */
export const thrown = fc.oneof(
  anythingWithCycles,
  fc.tuple(fc.string(), anythingWithCycles).map(([message, cause]) => new Error(message, { cause })),
  fc
    .tuple(fc.string(), anythingWithCycles)
    .map(([message, extra]) => Object.assign(new TypeError(message), { code: 'ECONNRESET', extra })),
  fc
    .tuple(fc.array(anythingWithCycles, { maxLength: 3 }), fc.string())
    .map(([members, message]) => new AggregateError(members, message)),
  fc.tuple(anythingWithCycles).map(([cause]) => {
    const err = new Error('self', { cause });
    (err as { cause: unknown }).cause = { err, cause };
    return err;
  }),
);
