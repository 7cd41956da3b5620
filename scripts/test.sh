#!/usr/bin/env bash
# `npm test`: type-check, lint (including the purity rule of workflows/ and engine/), then every test
# against a Temporal dev server started for the run and the local PostgreSQL and Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_dependencies
ensure_temporal_cli
echo "Type-checking…"
npx tsc --noEmit
echo "Linting…"
npx eslint .
exec npx vitest run "$@"
