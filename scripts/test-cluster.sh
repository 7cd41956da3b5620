#!/usr/bin/env bash
# `npm run test:cluster`: the cluster tier. Mohla's integration scenarios, then the fault tests, against a
# Temporal cluster on PostgreSQL (frontend, history, matching and worker as four processes) with two
# worker and two API processes; the Temporal UI; the image's Dockerfile steps performed outside Docker.
# Builds the Temporal server, its SQL tool and the UI server into the user cache once.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_node
ensure_dependencies
ensure_temporal_cli
# The server, its SQL tool and the Temporal UI server, built once into the user cache before the tests
# start their clusters.
node bin/mohla.js cluster tools >/dev/null
exec npx vitest run --config vitest.cluster.config.ts "$@"
