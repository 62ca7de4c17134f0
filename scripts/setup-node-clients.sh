#!/usr/bin/env bash
# Installs the real MCP clients used by the end-to-end tests into e2e/node/:
#   @modelcontextprotocol/inspector (CLI: node_modules/.bin/mcp-inspector --cli)
#   @modelcontextprotocol/sdk       (Client + StdioClientTransport for .mjs tests)
# Uses `npm ci` against the committed package-lock.json (falls back to
# `npm install` when there is no lock). Idempotent: skipped when node_modules
# was installed from the same package.json/package-lock.json with the same node.
# Prints the absolute path of the mcp-inspector bin as the last stdout line.
set -euo pipefail

log() { echo "setup-node-clients: $*" >&2; }

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="$ROOT/e2e/node"
BIN="$DIR/node_modules/.bin/mcp-inspector"
STAMP="$DIR/node_modules/.mcpd-install.stamp"

if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
  log "node/npm missing: installing nodejs npm (apt-get)"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >&2
fi

[ -f "$DIR/package.json" ] || { log "missing $DIR/package.json"; exit 1; }

fingerprint() {
  {
    node --version
    cat "$DIR/package.json"
    [ -f "$DIR/package-lock.json" ] && cat "$DIR/package-lock.json"
  } | sha256sum | cut -d' ' -f1
}

want="$(fingerprint)"
if [ -x "$BIN" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
  log "node_modules up to date in $DIR"
else
  start=$(date +%s)
  if [ -f "$DIR/package-lock.json" ]; then
    log "npm ci in $DIR"
    (cd "$DIR" && npm ci --no-audit --no-fund --loglevel=error >&2)
  else
    log "no package-lock.json: npm install in $DIR"
    (cd "$DIR" && npm install --no-audit --no-fund --loglevel=error >&2)
    want="$(fingerprint)"
  fi
  [ -x "$BIN" ] || { log "mcp-inspector bin not found after install"; exit 1; }
  echo "$want" >"$STAMP"
  log "installed in $(( $(date +%s) - start )) s"
fi

log "mcp-inspector $("$BIN" --cli --version 2>/dev/null || echo '?'), node $(node --version)"
echo "$BIN"
