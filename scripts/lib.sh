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

# Builds the web front end into web/dist when its sources (or the engine it imports) changed since.
ensure_web_build() {
  if [ ! -f web/dist/index.html ] || [ -n "$(find web/src web/index.html web/vite.config.ts engine package-lock.json -newer web/dist/index.html -print -quit)" ]; then
    echo "Building the web front end (vite)…"
    npx vite build --config web/vite.config.ts --logLevel warn
  fi
}

# The browser tests drive Debian's Chromium (a downloaded browser is not allowed here): installed once.
ensure_chromium() {
  if [ -x /usr/bin/chromium ]; then return; fi
  echo "Installing Chromium from Debian's packages…"
  local sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get install -y --no-install-recommends chromium || { $sudo apt-get update && $sudo apt-get install -y --no-install-recommends chromium; }
}
