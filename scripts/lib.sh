# Shared by the README's commands: each does its own set-up and can be run again at any time.

# Installs the dependencies when they are missing or older than the lock file.
ensure_dependencies() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "Installing dependencies (npm ci)…"
    npm ci --no-audit --no-fund
  fi
}

# Finds the Temporal CLI, or builds it once per machine into ~/.cache/mohla (needs Go).
ensure_temporal_cli() {
  node bin/mohla.js temporal-cli >/dev/null
}
