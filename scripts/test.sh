#!/usr/bin/env bash
# `npm test`: type-check, lint (including the purity rule of workflows/ and engine/), check the import
# directions (.dependency-cruiser.js, docs/architecture.md), look for dead code (`npm run deadcode`), then
# every test against a Temporal dev server started for the run and the local PostgreSQL and Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_node
ensure_dependencies
ensure_temporal_cli
ensure_chromium
ensure_poppler
ensure_promtool
ensure_web_build
echo "Type-checking…"
npx tsc --noEmit
npx tsc --noEmit -p web
echo "Linting…"
npx eslint .
echo "Checking that every layer imports only downward…"
npx depcruise --config .dependency-cruiser.js --output-type err-long .
echo "Looking for dead code…"
npx knip
exec npx vitest run "$@"
