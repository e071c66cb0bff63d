#!/usr/bin/env bash
# Memory soak (issue 6): Tokengate with the whole pipeline on (as bench/run.sh sets it up: user key, rate limits that
# never refuse, priced model against bench/upstream/FixedUpstream.java), bin/tokengate's JVM options, wrk at
# SOAK_CONNECTIONS (64) for SOAK_SECONDS (600), the gateway's RSS sampled every SOAK_SAMPLE_SECONDS (10).
# Prints the samples, RSS idle before the load, the median and peak under load, and the slope (least squares, MB per
# minute) over the second half of the run, after warm-up. Stops everything it started. SOAK_PORT (18500): the first
# port tried for the upstream, the gateway takes the next free one.
set -euo pipefail
bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$bench/.." && pwd)"
. "$root/bin/java-home.sh"
. "$root/bin/java-opts.sh"
cd "$root"
SECS=${SOAK_SECONDS:-600}
EVERY=${SOAK_SAMPLE_SECONDS:-10}
CONNS=${SOAK_CONNECTIONS:-64}
work="$(mktemp -d "${TMPDIR:-/tmp}/tokengate-soak.XXXXXX")"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done; kill -9 "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() { local p=$1; while port_in_use "$p"; do p=$((p + 1)); done; echo "$p"; }
jar="$root/target/tokengate.jar"
[ -f "$jar" ] || mvn -q -B -DskipTests package
cp "$jar" "$work/tokengate.jar"; jar="$work/tokengate.jar"
UP=$(pick_port "${SOAK_PORT:-18500}"); GW=$(pick_port $((UP + 1)))
"$JAVA_HOME/bin/java" -XX:+UseParallelGC -cp "$jar" "$bench/upstream/FixedUpstream.java" "$UP" 127.0.0.1 >"$work/upstream.log" 2>&1 &
pids+=($!)
admin_key="bench-admin-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
cat >"$work/tokengate.yaml" <<YAML
server:
  host: 127.0.0.1
models:
  - name: bench-model
    owned_by: bench
    deployments:
      - {provider: openai, base_url: "http://127.0.0.1:$UP/v1", upstream_model: bench-model, api_key_env: BENCH_UPSTREAM_KEY,
         price: {input_per_m: 0.25, output_per_m: 2.00}}
rate_limits:
  tiers:
    user_go: {requests_per_minute: 100000000, tokens_per_minute: 100000000000, concurrent_requests: 100000}
YAML
# shellcheck disable=SC2086
TOKENGATE_ADMIN_KEY="$admin_key" BENCH_UPSTREAM_KEY=sk-bench-upstream "$JAVA_HOME/bin/java" $TOKENGATE_JAVA_OPTS -jar "$jar" serve \
  --host 127.0.0.1 --port "$GW" --data-dir "$work/data" --config "$work/tokengate.yaml" >"$work/tokengate.log" 2>&1 &
GW_PID=$!; pids+=("$GW_PID")
until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$GW/ready")" = 200 ]; do
  kill -0 "$GW_PID" 2>/dev/null || { tail "$work/tokengate.log" >&2; exit 1; }; sleep 0.2
done
until port_in_use "$UP"; do sleep 0.2; done
admin() { curl -sf --max-time 10 -H "Authorization: Bearer $admin_key" -H 'Content-Type: application/json' "$@"; }
uid=$(admin -X POST -d '{"name":"bench","tier":"user_go"}' "http://127.0.0.1:$GW/admin/v1/users" | sed -n 's/^{"id":"\([^"]*\)".*/\1/p')
key=$(admin -X POST -d '{"name":"bench"}' "http://127.0.0.1:$GW/admin/v1/users/$uid/keys" | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
admin -X POST -d '{"amount_usd":"1000000","reason":"benchmark"}' "http://127.0.0.1:$GW/admin/v1/users/$uid/balance/topup" >/dev/null
rss() { awk '/^VmRSS:/ {printf "%.0f", $2 / 1024}' "/proc/$GW_PID/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$GW_PID/stat"; }   # user + system, in clock ticks
sleep 2
idle=$(rss)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
cpu_start=$(cpu_ticks)
BENCH_AUTH="$key" timeout $((SECS + 60)) wrk -c"$CONNS" -t2 -d"${SECS}s" --timeout 5s --latency -s "$bench/wrk/chat.lua" \
  "http://127.0.0.1:$GW/v1/chat/completions" >"$work/wrk.out" 2>&1 &
WRK=$!; pids+=("$WRK")
: >"$work/samples"
t=0
while kill -0 "$WRK" 2>/dev/null; do
  sleep "$EVERY"; t=$((t + EVERY))
  kill -0 "$WRK" 2>/dev/null || break
  echo "$t $(rss)" >>"$work/samples"
  printf '[soak] t=%ss RSS %s MB\n' "$t" "$(tail -n1 "$work/samples" | cut -d' ' -f2)" >&2
done
wait "$WRK" || true
cpu_end=$(cpu_ticks)
peak=$(awk '/^VmHWM:/ {printf "%.0f", $2 / 1024}' "/proc/$GW_PID/status")
bench_line=$(grep '^BENCH' "$work/wrk.out" || echo "BENCH (none)")
echo "Command: \`bench/soak-rss.sh\` ($CONNS connections, ${SECS}s, RSS every ${EVERY}s; JVM options \`$TOKENGATE_JAVA_OPTS\`)."
echo "Load average at the start $load_start, at the end $(cut -d' ' -f1-3 /proc/loadavg). wrk: ${bench_line#BENCH }"
reqs=$(sed -n 's/.* requests=\([0-9]*\).*/\1/p' <<<"$bench_line")
awk -v t="$((cpu_end - cpu_start))" -v hz="$(getconf CLK_TCK)" -v n="${reqs:-0}" 'BEGIN {
  printf "Gateway CPU under load: %.1f s, %s\n", t / hz, (n > 0) ? sprintf("%.3f ms per request", 1000 * t / hz / n) : "no requests" }'
sort -k2,2n "$work/samples" | awk '{r[NR] = $2} END {printf "%d %d %d\n", (NR % 2) ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2, r[1], r[NR]}' >"$work/stats"
read -r med lo hi <"$work/stats"
awk -v idle="$idle" -v peak="$peak" -v med="$med" -v lo="$lo" -v hi="$hi" '{t[NR] = $1; r[NR] = $2} END {
  n = NR; h = int(n / 2) + 1; sx = sy = sxx = sxy = 0; m = 0
  for (i = h; i <= n; i++) { x = t[i] / 60; sx += x; sy += r[i]; sxx += x * x; sxy += x * r[i]; m++ }
  slope = (m > 1) ? (m * sxy - sx * sy) / (m * sxx - sx * sx) : 0
  printf "RSS idle %d MB; under load: median %d MB, min %d MB, max sampled %d MB, peak (VmHWM) %d MB; slope over the second half %+.2f MB/min\n", idle, med, lo, hi, peak, slope
}' "$work/samples"
echo "Samples (seconds MB): $(tr '\n' ' ' <"$work/samples")"
