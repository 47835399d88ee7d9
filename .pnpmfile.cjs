// Workspace packages resolve to their TypeScript source inside this repository through the
// `@ballast/source` export condition (tsconfig `customConditions`, vitest/vite
// `resolve.conditions`, esbuild `conditions`, `node --conditions`). The published tarball
// must not carry it: `src/` is not shipped, so the condition would point at nothing.
// pnpm calls this hook on the manifest it writes into every tarball (`pnpm pack`/`publish`).
const SOURCE_CONDITION = '@ballast/source';

/** Removes the source condition from every entry of an `exports` map, at any depth. */
function withoutSourceCondition(value) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const out = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === SOURCE_CONDITION) continue;
    out[key] = withoutSourceCondition(inner);
  }
  return out;
}

module.exports = {
  hooks: {
    beforePacking(pkg) {
      if (pkg.exports !== undefined) pkg.exports = withoutSourceCondition(pkg.exports);
      return pkg;
    },
  },
  withoutSourceCondition,
};
