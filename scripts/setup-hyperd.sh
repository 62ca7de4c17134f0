#!/usr/bin/env bash
# Obtains a real `hyperd` (Tableau Hyper) binary from the npm package
# hyperdb-mcp-linux-x64-gnu (npm pack + extract, no install). Idempotent:
# skips the download when the pinned version is already extracted.
# Prints the absolute path of the hyperd executable as the last stdout line.
#
# Usage: scripts/setup-hyperd.sh [--verify]
#   --verify   also start hyperd on a free port, run `select 1` through psql
#              (installs postgresql-client if missing), and stop it again.
# Env:
#   MCPD_HYPERD_CACHE    cache dir (default $HOME/.cache/mcpd/hyperd)
#   MCPD_HYPERD_VERSION  npm package version (default 0.7.3)
set -euo pipefail

PKG="hyperdb-mcp-linux-x64-gnu"
VERSION="${MCPD_HYPERD_VERSION:-0.7.3}"
CACHE="${MCPD_HYPERD_CACHE:-${HOME:-/root}/.cache/mcpd/hyperd}"
DEST="$CACHE/$PKG-$VERSION"
VERIFY=0
for a in "$@"; do
  case "$a" in
    --verify) VERIFY=1 ;;
    *) echo "setup-hyperd: unknown argument $a" >&2; exit 2 ;;
  esac
done

log() { echo "setup-hyperd: $*" >&2; }

find_hyperd() {
  find "$1" -type f -name hyperd 2>/dev/null | head -n 1
}

if [ -f "$DEST/.complete" ] && [ -n "$(find_hyperd "$DEST")" ]; then
  log "$PKG@$VERSION already extracted in $DEST"
else
  command -v npm >/dev/null || { log "npm not found"; exit 1; }
  mkdir -p "$CACHE"
  tmp="$(mktemp -d "$CACHE/.tmp.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  log "npm pack $PKG@$VERSION -> $CACHE"
  (cd "$tmp" && npm pack --silent "$PKG@$VERSION" >"$tmp/pack.out" 2>"$tmp/pack.err") || {
    cat "$tmp/pack.err" >&2; exit 1; }
  tgz="$(find "$tmp" -maxdepth 1 -name '*.tgz' | head -n 1)"
  [ -n "$tgz" ] || { log "npm pack produced no tarball"; cat "$tmp/pack.err" >&2; exit 1; }
  log "extracting $(basename "$tgz")"
  mkdir -p "$tmp/x"
  tar -xzf "$tgz" -C "$tmp/x"
  touch "$tmp/x/.complete"
  rm -rf "$DEST"
  mv "$tmp/x" "$DEST"
  rm -rf "$tmp"
  trap - EXIT
fi

HYPERD="$(find_hyperd "$DEST")"
[ -n "$HYPERD" ] || { log "no hyperd executable found under $DEST"; exit 1; }
HYPERD="$(cd "$(dirname "$HYPERD")" && pwd)/hyperd"
chmod 0755 "$HYPERD"
log "$("$HYPERD" --version 2>&1 | head -n 1)"

if [ "$VERIFY" -eq 1 ]; then
  if ! command -v psql >/dev/null; then
    log "installing postgresql-client (apt-get)"
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client >&2
  fi
  port="$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')"
  vdir="$(mktemp -d)"
  log "verify: starting hyperd on localhost:$port"
  "$HYPERD" run --no-password --skip-license --init-user=tableau_internal_user \
    --log-dir "$vdir" --listen-connection "tab.tcp://localhost:$port" \
    >"$vdir/stdout.log" 2>&1 &
  hpid=$!
  cleanup_verify() { kill "$hpid" 2>/dev/null || true; wait "$hpid" 2>/dev/null || true; rm -rf "$vdir"; }
  trap cleanup_verify EXIT
  ok=0
  for _ in $(seq 1 100); do
    if out="$(PGCONNECT_TIMEOUT=2 psql -h localhost -p "$port" -U tableau_internal_user -Atc 'select 1' 2>/dev/null)" \
       && [ "$out" = "1" ]; then ok=1; break; fi
    kill -0 "$hpid" 2>/dev/null || break
    sleep 0.1
  done
  if [ "$ok" -ne 1 ]; then
    log "verify FAILED; hyperd output:"; cat "$vdir/stdout.log" >&2 || true
    exit 1
  fi
  log "verify: select 1 -> 1 OK (pid $hpid); stopping it"
  cleanup_verify
  trap - EXIT
fi

echo "$HYPERD"
