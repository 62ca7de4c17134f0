#!/usr/bin/env bash
# The test command of README.md: installs everything the tests need on a fresh machine (Podman with a local busybox
# image and its Docker-API service, the npm MCP clients, a real hyperd, ss/iptables/openssl for the TCP
# tests), then builds and runs every test with the Maven wrapper.
# Idempotent: a second run skips what is already in place.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

java_major() { sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null || echo 0; }
if [[ -z "${JAVA_HOME:-}" ]] || (( $(java_major "$JAVA_HOME" || echo 0) < 25 )); then
  for candidate in /usr/lib/jvm/temurin-25* /usr/lib/jvm/java-25* /usr/lib/jvm/jdk-25*; do
    if [[ -x "$candidate/bin/java" ]]; then JAVA_HOME="$candidate"; break; fi
  done
fi
export JAVA_HOME
echo "test.sh: JAVA_HOME=$JAVA_HOME" >&2

export MCPD_TEST_PODMAN_SOCK="${MCPD_TEST_PODMAN_SOCK:-/run/mcpd-test/podman.sock}"
bash scripts/setup-podman.sh >/dev/null
bash scripts/setup-node-clients.sh >/dev/null
bash scripts/setup-network-tools.sh >/dev/null
# A real hyperd for the hyperd engine's tests; under CI a missing hyperd fails those tests, never skips them.
MCPD_HYPERD_PATH="$(bash scripts/setup-hyperd.sh | tail -n 1)"
export MCPD_HYPERD_PATH
echo "test.sh: MCPD_HYPERD_PATH=$MCPD_HYPERD_PATH" >&2

# Behavioural time bounds in tests (100 ms close, 1 s shutdown) are multiplied by this on a busy 2-core machine.
multiplier="${MCPD_TEST_TIME_MULTIPLIER:-2}"
./mvnw -B -ntp verify -Dmcpd.test.time.multiplier="$multiplier" "$@"
