#!/usr/bin/env bash
# `npm run dev`: the whole system on this machine (Temporal dev server, PostgreSQL, Redis, worker, API).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_node
ensure_dependencies
ensure_temporal_cli
ensure_web_build
exec node bin/mohla.js dev "$@"
