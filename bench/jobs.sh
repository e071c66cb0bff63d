#!/usr/bin/env bash
# Job API and message batch benchmark (issues 9 and 3): starts the gateway on SQLite (or PostgreSQL with
# BENCH_DB=postgresql://...) with the zero-latency simulated model, runs the load client bench/JobsLoad.java (Vert.x,
# one event loop, BENCH_CONCURRENCY requests in flight), stops everything.
# Knobs: BENCH_SEQ (300 sequential calls per side), BENCH_JOBS (5000), BENCH_CONCURRENCY (128), BENCH_BATCH (10000),
# BENCH_WORKERS (jobs.workers, 256), BENCH_JAVA_OPTS (extra gateway JVM options, e.g. a JFR recording), BENCH_JAR (a
# built jar to run instead of target/tokengate.jar, which is rebuilt when the sources are newer).
set -euo pipefail
bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$bench/.." && pwd)"
. "$root/bin/java-home.sh"
. "$root/bin/java-opts.sh" # the gateway's JVM options, as bin/tokengate serve runs it (TOKENGATE_JAVA_OPTS replaces them)
cd "$root"
jar=${BENCH_JAR:-target/tokengate.jar}
if [ -z "${BENCH_JAR:-}" ] && { [ ! -f "$jar" ] || [ -n "$(find src/main pom.xml -newer "$jar" -print -quit)" ]; }; then
  mvn -q -B -o -DskipTests package
fi
work=$(mktemp -d)
# run from a copy, so that a rebuild during the run cannot pull classes from under the gateway
cp "$jar" "$work/tokengate.jar"
port=${BENCH_PORT:-18555}
key="tg-admin-bench-$(date +%s)-0123456789"
cat > "$work/config.yaml" <<YAML
simulated: {ttft_ms: 0, tokens_per_second: 0}
jobs: {workers: ${BENCH_WORKERS:-256}}
YAML
db_args=()
[ -n "${BENCH_DB:-}" ] && db_args=(--db "$BENCH_DB")
# shellcheck disable=SC2086
TOKENGATE_ADMIN_KEY="$key" TOKENGATE_LOG_LEVEL="warn" "$JAVA_HOME/bin/java" $TOKENGATE_JAVA_OPTS ${BENCH_JAVA_OPTS:-} \
  -jar "$work/tokengate.jar" serve --port "$port" --data-dir "$work/data" --config "$work/config.yaml" "${db_args[@]}" \
  < /dev/null > "$work/gateway.log" 2>&1 &
gw=$!
trap 'kill $gw 2>/dev/null; wait $gw 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break; sleep 0.5; done
echo "| measure | value |"
echo "| --- | --- |"
BENCH_GW_PID=$gw "$JAVA_HOME/bin/java" -XX:+UseSerialGC -cp "$work/tokengate.jar" "$bench/JobsLoad.java" "http://127.0.0.1:$port" "$key" \
  "${BENCH_SEQ:-300}" "${BENCH_JOBS:-5000}" "${BENCH_CONCURRENCY:-128}" "${BENCH_BATCH:-10000}" < /dev/null
