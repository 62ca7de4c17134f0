#!/usr/bin/env bash
# Runs mcpd's benchmarks and prints their results as Markdown (paste into docs/benchmarks.md with this command):
#   scripts/bench.sh            end-to-end harness (1000 calls) + JMH
#   scripts/bench.sh --containers   also list_containers/stop_container against the Podman of scripts/setup-podman.sh
#   scripts/bench.sh --lifecycle    only the lifecycle harness: reap latency (exit event, sweep), shutdown time (RUNS=20)
#   scripts/bench.sh --resilience   only the daemon-loss load test: 8 proxies under load, daemon SIGKILLed (RUNS=3)
#   scripts/bench.sh --transports   only ping round trips per transport (Unix socket vs TCP) with 1/8/64 clients
#   scripts/bench.sh --hyperd       only the hyperd engine: query latency via mcpd vs pgjdbc, 8 sessions, failure
#                                   detection (QUERIES=1000; fetches hyperd with scripts/setup-hyperd.sh)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
if [[ "${1:-}" == "--hyperd" ]]; then
  # package, not install: nothing of this build goes into ~/.m2.
  ./mvnw -q -B package -Dmaven.test.skip=true -pl benchmarks -am >&2
  cp="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
  MCPD_HYPERD_PATH="${MCPD_HYPERD_PATH:-$(bash scripts/setup-hyperd.sh | tail -n 1)}"
  export MCPD_HYPERD_PATH
  echo "## hyperd engine ($(nproc) cores, $(date -u +%Y-%m-%d))"
  exec "$JAVA_HOME/bin/java" -cp "$cp" dev.mcpd.benchmarks.HyperdHarness "$root" "${QUERIES:-1000}"
fi
./mvnw -q -B install -Dmaven.test.skip=true -pl benchmarks -am >&2
cp="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
if [[ "${1:-}" == "--lifecycle" ]]; then
  echo "## Lifecycle ($(nproc) cores, $(date -u +%Y-%m-%d))"
  exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp" dev.mcpd.benchmarks.LifecycleHarness "$root" "${RUNS:-20}"
fi
if [[ "${1:-}" == "--resilience" ]]; then
  echo "## Resilience ($(nproc) cores, $(date -u +%Y-%m-%d))"
  exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp" dev.mcpd.benchmarks.ResilienceHarness "$root" "${RUNS:-3}"
fi
if [[ "${1:-}" == "--transports" ]]; then
  echo "## Transports ($(nproc) cores, $(date -u +%Y-%m-%d))"
  exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp" dev.mcpd.benchmarks.TransportHarness "$root" "${SECONDS_MEASURED:-5}"
fi
extra=()
if [[ "${1:-}" == "--containers" ]]; then extra=(--containers "${MCPD_TEST_PODMAN_SOCK:-/run/mcpd-test/podman.sock}"); fi
echo "## End to end ($(nproc) cores, $(date -u +%Y-%m-%d))"
"$JAVA_HOME/bin/java" -cp "$cp" dev.mcpd.benchmarks.ProxyHarness "$root" "${CALLS:-1000}" "${extra[@]}"
echo
echo "## JMH"
"$JAVA_HOME/bin/java" -cp "$cp" org.openjdk.jmh.Main -foe true "${JMH_ARGS:-JsonCodecBenchmark}" 2>&1 | sed -n '/^Benchmark/,$p'
