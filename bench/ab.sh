#!/usr/bin/env bash
# A/B of two gateway jars on the same benchmark path as bench/run.sh's "Tokengate" target (whole pipeline on: user key,
# rate limits, priced model, SQLite ledger, metrics, access log), against one bench/upstream/FixedUpstream.java.
# Both gateways run at once; the measurement alternates A and B (AB BA AB ...) so that whatever else runs on the
# machine falls on both alike. Reports, per run and as medians, req/s at AB_CONNECTIONS and the gateway's CPU per
# request (user + system from /proc/PID/stat around the run, divided by the requests served), and each gateway's peak
# RSS (VmHWM) at the end.
#
# Usage: bench/ab.sh OLD.jar NEW.jar
# Knobs: AB_ROUNDS (6 runs each), AB_SECONDS (8), AB_WARMUP_SECONDS (30 each), AB_CONNECTIONS (64),
# AB_LATENCY=1 (also 1-connection p50/p99, 5 s per run), AB_REDIS=redis://... (rate limits and cache in Redis),
# AB_REDIS_B_ONLY=1 (only B on AB_REDIS: one jar, in-process limits against Redis limits),
# TOKENGATE_JAVA_OPTS, AB_JAVA_OPTS_B (extra options for B only, e.g. a flight recording).
set -euo pipefail
bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$bench/.." && pwd)"
. "$root/bin/java-home.sh"
. "$root/bin/java-opts.sh"
[ $# = 2 ] || { echo "usage: bench/ab.sh OLD.jar NEW.jar" >&2; exit 2; }
ROUNDS=${AB_ROUNDS:-6}
SECS=${AB_SECONDS:-8}
WARM=${AB_WARMUP_SECONDS:-30}
CONNS=${AB_CONNECTIONS:-64}
work="$(mktemp -d "${TMPDIR:-/tmp}/tokengate-ab.XXXXXX")"
cp "$1" "$work/a.jar"; cp "$2" "$work/b.jar"
pids=()
prefix="ab_$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done; kill -9 "$pid" 2>/dev/null || true; done
  [ "${failed:-1}" = 1 ] && for log in "$work"/*.log; do [ -f "$log" ] && { echo "--- $(basename "$log")" >&2; tail -n 15 "$log" >&2; }; done
  if [ -n "${AB_REDIS:-}" ]; then
    redis-cli -u "$AB_REDIS" --scan --pattern "$prefix*" 2>/dev/null | xargs -r redis-cli -u "$AB_REDIS" del >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
say() { printf '[ab %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { say "error: $*"; exit 1; }
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() { local p=$1; while port_in_use "$p"; do p=$((p + 1)); done; echo "$p"; }
wait_ok() {
  local name=$1 pid=$2 url=$3 deadline=$((SECONDS + 120))
  until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" 2>/dev/null)" = 200 ]; do
    kill -0 "$pid" 2>/dev/null || die "$name exited during start-up"; [ $SECONDS -lt $deadline ] || die "$name did not start"; sleep 0.2
  done
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
peak_rss_mb() { awk '/^VmHWM:/ {printf "%.0f", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo "?"; }
CLK_TCK=$(getconf CLK_TCK)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

UP=$(pick_port 18600); PA=$(pick_port $((UP + 1))); PB=$(pick_port $((PA + 1)))
"$JAVA_HOME/bin/java" -XX:+UseParallelGC -cp "$work/a.jar" "$bench/upstream/FixedUpstream.java" "$UP" 127.0.0.1 >"$work/upstream.log" 2>&1 &
pids+=($!)
admin_key="bench-admin-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
write_config() { # file redis-prefix name
  {
    echo "server:"
    echo "  host: 127.0.0.1"
    if [ -n "${AB_REDIS:-}" ] && { [ "${AB_REDIS_B_ONLY:-0}" != 1 ] || [ "$3" = b ]; }; then
      echo "redis:"
      echo "  url: \"$AB_REDIS\""
      echo "  key_prefix: \"$2\""
    fi
    cat <<YAML
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
  } >"$1"
}
start_gw() { # name port extra-opts
  write_config "$work/$1.yaml" "$prefix:$1:" "$1"
  # shellcheck disable=SC2086
  TOKENGATE_ADMIN_KEY="$admin_key" BENCH_UPSTREAM_KEY=sk-bench-upstream "$JAVA_HOME/bin/java" $TOKENGATE_JAVA_OPTS $3 \
    -jar "$work/$1.jar" serve --host 127.0.0.1 --port "$2" --data-dir "$work/data-$1" --config "$work/$1.yaml" \
    >"$work/gw-$1.log" 2>&1 &
  pids+=($!); eval "PID_$1=$!"
}
start_gw a "$PA" ""
start_gw b "$PB" "${AB_JAVA_OPTS_B:-}"
wait_ok A "$PID_a" "http://127.0.0.1:$PA/ready"
wait_ok B "$PID_b" "http://127.0.0.1:$PB/ready"
admin() { curl -sf --max-time 10 -H "Authorization: Bearer $admin_key" -H 'Content-Type: application/json' "$@"; }
make_key() { # port -> key
  local uid
  uid=$(admin -X POST -d '{"name":"bench","tier":"user_go"}' "http://127.0.0.1:$1/admin/v1/users" | sed -n 's/^{"id":"\([^"]*\)".*/\1/p')
  admin -X POST -d '{"amount_usd":"100000","reason":"benchmark"}' "http://127.0.0.1:$1/admin/v1/users/$uid/balance/topup" >/dev/null
  admin -X POST -d '{"name":"bench"}' "http://127.0.0.1:$1/admin/v1/users/$uid/keys" | sed -n 's/.*"key":"\([^"]*\)".*/\1/p'
}
KEY_a=$(make_key "$PA"); KEY_b=$(make_key "$PB")
[ -n "$KEY_a" ] && [ -n "$KEY_b" ] || die "could not create the bench keys"
for g in a b; do
  port_var="P${g^^}"; key_var="KEY_$g"
  body=$(curl -s --max-time 5 -X POST -H "Authorization: Bearer ${!key_var}" -H 'Content-Type: application/json' \
    -d '{"model":"bench-model","messages":[{"role":"user","content":"ping"}]}' "http://127.0.0.1:${!port_var}/v1/chat/completions")
  case "$body" in *'"chat.completion"'*) ;; *) die "gateway $g answered: ${body:0:300}" ;; esac
done

wrk_() { # g conns seconds -> "rps requests p50_us p99_us errors"
  local port_var="P${1^^}" key_var="KEY_$1"
  BENCH_AUTH="${!key_var}" timeout $(($3 + 30)) wrk -c"$2" -t"$([ "$2" = 1 ] && echo 1 || echo 2)" -d"$3s" --timeout 5s \
    --latency -s "$bench/wrk/chat.lua" "http://127.0.0.1:${!port_var}/v1/chat/completions" 2>&1 \
    | sed -n 's/^BENCH rps=\([0-9.]*\) p50_us=\([0-9]*\) p99_us=\([0-9]*\) .* requests=\([0-9]*\) errors=\([0-9]*\)$/\1 \4 \2 \3 \5/p'
}
say "warming A and B (${WARM}s each, in 5 s steps, alternating)"
for _ in $(seq $((WARM / 5))); do wrk_ a "$CONNS" 5 >/dev/null; wrk_ b "$CONNS" 5 >/dev/null; done

declare -a RA RB
one() { # g -> "rps cpu_us errors [p50 p99]"
  local g=$1 pid_var="PID_$1" c0 c1 rps n p50 p99 e lat=""
  if [ "${AB_LATENCY:-0}" = 1 ]; then read -r _ _ p50 p99 _ <<<"$(wrk_ "$g" 1 5)"; lat=" $p50 $p99"; fi
  c0=$(cpu_ticks "${!pid_var}")
  read -r rps n _ _ e <<<"$(wrk_ "$g" "$CONNS" "$SECS")"
  c1=$(cpu_ticks "${!pid_var}")
  echo "$rps $(awk -v d=$((c1 - c0)) -v hz="$CLK_TCK" -v n="$n" 'BEGIN {printf "%.1f", d * 1e6 / hz / n}') $e$lat"
}
for r in $(seq "$ROUNDS"); do
  if [ $((r % 2)) = 1 ]; then RA[$r]=$(one a); RB[$r]=$(one b); else RB[$r]=$(one b); RA[$r]=$(one a); fi
  say "run $r: A ${RA[$r]} | B ${RB[$r]}"
done
median() { sort -g | awk '{a[NR] = $1} END {if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
col() { local -n arr=$1; for v in "${arr[@]}"; do awk -v i="$2" '{print $i}' <<<"$v"; done | median; }
echo
echo "A = $1, B = $2; $ROUNDS runs each of ${SECS}s at $CONNS connections, alternating; load average at the start $load_start, at the end $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| jar | req/s (median) | CPU µs/request (median) | errors | peak RSS (MB) |$([ "${AB_LATENCY:-0}" = 1 ] && echo ' p50 @1 (µs) | p99 @1 (µs) |')"
echo "|---|---:|---:|---:|---:|$([ "${AB_LATENCY:-0}" = 1 ] && echo '---:|---:|')"
for g in A B; do
  arr="R$g"
  errs=$(local_sum=0; declare -n ref=$arr; for v in "${ref[@]}"; do awk '{print $3}' <<<"$v"; done | awk '{s += $1} END {print s}')
  lat=""; [ "${AB_LATENCY:-0}" = 1 ] && lat=" $(col "$arr" 4) | $(col "$arr" 5) |"
  pid_var="PID_${g,,}"
  echo "| $g | $(col "$arr" 1) | $(col "$arr" 2) | $errs | $(peak_rss_mb "${!pid_var}") |$lat"
done
cpu_a=$(col RA 2); cpu_b=$(col RB 2)
echo
echo "B/A CPU per request: $(awk -v a="$cpu_a" -v b="$cpu_b" 'BEGIN {printf "%.3f", b / a}')"
failed=0
