#!/usr/bin/env bash
# Runs a command of the project (a benchmark, the mohla command) on the Node that the README's two
# commands use, installing the dependencies first when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_node
ensure_dependencies
exec "$@"
