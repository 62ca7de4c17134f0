#!/usr/bin/env bash
# Runs every fault kind against a real daemon with real proxies under load and prints one Markdown table
# (fault | requests sent | answered | lost | duplicated | hung | leaked threads/fds/processes | daemon RSS before/after);
# exits non-zero when a row failed. docs/reliability.md has the latest table and what each row does.
#   scripts/chaos.sh                    every fault (about 4 minutes on 2 cores)
#   scripts/chaos.sh "stuck" "SIGKILL"  only the faults whose name contains one of the arguments
# hyperd rows run when MCPD_HYPERD_PATH is set or scripts/setup-hyperd.sh has already fetched hyperd (else skipped,
# saying so). The half-open TCP row needs root for iptables (else skipped, saying so).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
# package, not install: nothing of this build goes into ~/.m2 (tests are compiled, not run: the domain test-jar is needed).
./mvnw -q -B -ntp package -DskipTests -pl benchmarks -am >&2
cp="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
if [[ -z "${MCPD_HYPERD_PATH:-}" ]]; then
  MCPD_HYPERD_PATH="$(ls -d "$HOME"/.cache/mcpd/hyperd/*/package/hyperd 2>/dev/null | head -n 1 || true)"
fi
export MCPD_HYPERD_PATH
echo "## Chaos ($(nproc) cores, $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown))"
echo
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp" dev.mcpd.benchmarks.ChaosHarness "$root" "$@"
