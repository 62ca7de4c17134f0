#!/usr/bin/env bash
# Proves README's first command ("bin/mcpd doctor") works as a new user meets it: in a fresh clone
# of this checkout, with a Maven repository that holds none of mcpd's own artifacts (a hard-linked copy of the local
# repository without dev/mcpd, given to Maven through MAVEN_ARGS=-Dmaven.repo.local=...), and a private state dir.
# Exits non-zero when the command fails. Used by .ci/run before the tests.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d /tmp/mcpd-fresh.XXXXXX)"
daemon_state="$work/state"
cleanup() {
  if [[ -x "$work/clone/bin/mcpd" && -f "$daemon_state/daemon.json" ]]; then
    MCPD_STATE_DIR="$daemon_state" "$work/clone/bin/mcpd" daemon stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

source_repo="${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}"
repo="$work/m2"
mkdir -p "$repo"
if [[ -d "$source_repo" ]]; then
  # Hard links: a copy of 400+ MiB in well under a second; Maven replaces files by rename, never edits them in place.
  (cd "$source_repo" && find . -mindepth 1 -maxdepth 1 ! -name dev -exec cp -al {} "$repo/" \;)
  if [[ -d "$source_repo/dev" ]]; then
    mkdir -p "$repo/dev"
    (cd "$source_repo/dev" && find . -mindepth 1 -maxdepth 1 ! -name mcpd -exec cp -al {} "$repo/dev/" \;)
  fi
fi
if [[ -e "$repo/dev/mcpd" ]]; then echo "fresh-clone-check: dev/mcpd still in $repo" >&2; exit 1; fi

git clone -q "$root" "$work/clone"
mkdir -m 700 "$daemon_state"
echo "fresh-clone-check: bin/mcpd doctor in $work/clone (Maven repository without dev/mcpd: $repo)" >&2
start=$(date +%s)
if ! (cd "$work/clone" && env -u JAVA_HOME MCPD_STATE_DIR="$daemon_state" MAVEN_ARGS="-Dmaven.repo.local=$repo" \
      bin/mcpd doctor); then
  echo "fresh-clone-check: FAILED: README's first command (bin/mcpd doctor) fails from a fresh clone" >&2
  exit 1
fi
echo "fresh-clone-check: ok in $(( $(date +%s) - start )) s" >&2
