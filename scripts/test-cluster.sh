#!/usr/bin/env bash
# `npm run test:cluster`: the cluster tier. Mohla's integration scenarios, then the fault tests, against a
# Temporal cluster on PostgreSQL (frontend, history, matching and worker as four processes) with two
# worker and two API processes. Builds the Temporal server and its SQL tool into the user cache once.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_node
ensure_dependencies
ensure_temporal_cli
# The server and its SQL tool, built once into the user cache before the tests start their clusters.
node bin/mohla.js cluster tools >/dev/null
exec npx vitest run --config vitest.cluster.config.ts "$@"
