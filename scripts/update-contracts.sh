#!/usr/bin/env bash
# Regenerates etc/*.api.md (and with --sizes, etc/size-limits.json) from what is committed
# at HEAD, not from the working tree: in a shared checkout the local dist may hold someone's
# uncommitted work, and CI builds from a clean clone. Uses a temporary git worktree, an
# offline install from the pnpm store and a full build, then copies the results into etc/.
#   bash scripts/update-contracts.sh           API reports
#   bash scripts/update-contracts.sh --sizes   API reports and size budgets (~115 % of today)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
tree=$(mktemp -d "${TMPDIR:-/tmp}/ballast-contracts-XXXXXX")
cleanup() { git -C "$repo" worktree remove --force "$tree" >/dev/null 2>&1 || rm -rf "$tree"; }
trap cleanup EXIT

git worktree add --detach "$tree" HEAD >/dev/null
cd "$tree"
echo "contracts: HEAD $(git rev-parse --short HEAD) in $tree"
pnpm install --frozen-lockfile --offline >/dev/null || pnpm install --frozen-lockfile >/dev/null
pnpm build >/dev/null
pnpm api:update
cp etc/*.api.md "$repo/etc/"
if [ "${1:-}" = "--sizes" ]; then
  pnpm size:update
  cp etc/size-limits.json "$repo/etc/size-limits.json"
else
  pnpm size:check
fi
echo "contracts: copied into $repo/etc; review \`git diff etc\` and commit."
