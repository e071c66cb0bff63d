#!/usr/bin/env bash
# Job API and message batch benchmark (issues 9 and 3): starts the gateway on SQLite (or PostgreSQL with
# BENCH_DB=postgresql://...) with the zero-latency simulated model, runs bench/jobs_bench.py, stops everything.
# Knobs: BENCH_SEQ (300 sequential calls per side), BENCH_JOBS (3000), BENCH_THREADS (32), BENCH_BATCH (10000).
set -euo pipefail
bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$bench/.." && pwd)"
. "$root/bin/java-home.sh"
cd "$root"
[ -f target/tokengate.jar ] || mvn -q -B -DskipTests package
work=$(mktemp -d)
port=${BENCH_PORT:-18555}
key="tg-admin-bench-$(date +%s)-0123456789"
cat > "$work/config.yaml" <<YAML
simulated: {ttft_ms: 0, tokens_per_second: 0}
jobs: {workers: 256}
YAML
db_args=()
[ -n "${BENCH_DB:-}" ] && db_args=(--db "$BENCH_DB")
TOKENGATE_ADMIN_KEY="$key" TOKENGATE_LOG_LEVEL="warn" "$JAVA_HOME/bin/java" -XX:+UseParallelGC -jar target/tokengate.jar serve \
  --port "$port" --data-dir "$work/data" --config "$work/config.yaml" "${db_args[@]}" > "$work/gateway.log" 2>&1 &
gw=$!
trap 'kill $gw 2>/dev/null; wait $gw 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break; sleep 0.5; done
echo "| measure | value |"
echo "| --- | --- |"
python3 "$bench/jobs_bench.py" "http://127.0.0.1:$port" "$key" "${BENCH_SEQ:-300}" "${BENCH_JOBS:-3000}" "${BENCH_THREADS:-32}" "${BENCH_BATCH:-10000}"
