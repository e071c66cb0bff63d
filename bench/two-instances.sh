#!/usr/bin/env bash
# Two Tokengate instances sharing PostgreSQL and Redis (docs/SCALING.md). Starts bench/upstream/FixedUpstream.java and
# two gateways on one PostgreSQL schema (a fresh schema in SCALE_DB's database) and one Redis (a fresh key prefix), with
# the whole pipeline on (user key, priced model, rate limits). Then: wrk against instance A alone, then against A and B
# at once (half the connections each), SCALE_SECONDS each after a warm-up. Around each run it reads the rows the
# schema's tables gained or changed (pg_stat_user_tables) and Redis's command counts (INFO commandstats), divided by
# the requests served: the per-request cost of the shared stores.
# Knobs: SCALE_DB (postgresql://postgres@127.0.0.1:5432/test), SCALE_REDIS (redis://127.0.0.1:6379/0),
# SCALE_SECONDS (15), SCALE_WARMUP_SECONDS (30), SCALE_CONNECTIONS (64), TOKENGATE_JAVA_OPTS.
set -euo pipefail
bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$bench/.." && pwd)"
. "$root/bin/java-home.sh"
. "$root/bin/java-opts.sh"
cd "$root"
DB=${SCALE_DB:-postgresql://postgres@127.0.0.1:5432/test}
REDIS=${SCALE_REDIS:-redis://127.0.0.1:6379/0}
SECS=${SCALE_SECONDS:-15}
WARM=${SCALE_WARMUP_SECONDS:-30}
CONNS=${SCALE_CONNECTIONS:-64}
schema="scale_$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
psql_() { psql -X -q -t -A "${DB%%\?*}" "$@"; }
work="$(mktemp -d "${TMPDIR:-/tmp}/tokengate-scale.XXXXXX")"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done; kill -9 "$pid" 2>/dev/null || true; done
  [ "${failed:-1}" = 1 ] && for log in "$work"/*.log; do [ -f "$log" ] && { echo "--- $(basename "$log")" >&2; tail -n 15 "$log" >&2; }; done
  psql_ -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true
  redis-cli -u "$REDIS" --scan --pattern "$schema:*" 2>/dev/null | xargs -r redis-cli -u "$REDIS" del >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
say() { printf '[scale %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { say "error: $*"; exit 1; }
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() { local p=$1; while port_in_use "$p"; do p=$((p + 1)); done; echo "$p"; }
wait_ok() {
  local name=$1 pid=$2 url=$3 deadline=$((SECONDS + 120))
  until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" 2>/dev/null)" = 200 ]; do
    kill -0 "$pid" 2>/dev/null || die "$name exited during start-up"; [ $SECONDS -lt $deadline ] || die "$name did not start"; sleep 0.2
  done
}
jar="$root/target/tokengate.jar"
[ -f "$jar" ] || { mvn -q -B -DskipTests package >"$work/build.log" 2>&1 || die "build failed"; }
cp "$jar" "$work/tokengate.jar"; jar="$work/tokengate.jar"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
psql_ -c "CREATE SCHEMA $schema" >/dev/null || die "cannot reach PostgreSQL at $DB"
redis-cli -u "$REDIS" ping >/dev/null || die "cannot reach Redis at $REDIS"

UP=$(pick_port 18400); A=$(pick_port $((UP + 1))); B=$(pick_port $((A + 1)))
"$JAVA_HOME/bin/java" -XX:+UseParallelGC -cp "$jar" "$bench/upstream/FixedUpstream.java" "$UP" 127.0.0.1 >"$work/upstream.log" 2>&1 &
pids+=($!)
admin_key="bench-admin-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
sep='?'; case "$DB" in *\?*) sep='&' ;; esac
cat >"$work/tokengate.yaml" <<YAML
server:
  host: 127.0.0.1
storage:
  db_url: "$DB${sep}currentSchema=$schema"
redis:
  url: "$REDIS"
  key_prefix: "$schema:"
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
start_gw() { # name port
  # shellcheck disable=SC2086
  TOKENGATE_ADMIN_KEY="$admin_key" BENCH_UPSTREAM_KEY=sk-bench-upstream "$JAVA_HOME/bin/java" $TOKENGATE_JAVA_OPTS -jar "$jar" serve \
    --host 127.0.0.1 --port "$2" --data-dir "$work/data-$1" --config "$work/tokengate.yaml" >"$work/gw-$1.log" 2>&1 &
  pids+=($!); eval "PID_$1=$!"
}
start_gw A "$A"; wait_ok "instance A" "$PID_A" "http://127.0.0.1:$A/ready"   # A runs the migrations first
start_gw B "$B"; wait_ok "instance B" "$PID_B" "http://127.0.0.1:$B/ready"
admin() { curl -sf --max-time 10 -H "Authorization: Bearer $admin_key" -H 'Content-Type: application/json' "$@"; }
uid=$(admin -X POST -d '{"name":"bench","tier":"user_go"}' "http://127.0.0.1:$A/admin/v1/users" | sed -n 's/^{"id":"\([^"]*\)".*/\1/p')
key=$(admin -X POST -d '{"name":"bench"}' "http://127.0.0.1:$A/admin/v1/users/$uid/keys" | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
admin -X POST -d '{"amount_usd":"100000","reason":"benchmark"}' "http://127.0.0.1:$A/admin/v1/users/$uid/balance/topup" >/dev/null
[ -n "$key" ] || die "could not create the bench key"
for p in "$A" "$B"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    -d '{"model":"bench-model","messages":[{"role":"user","content":"hi"}]}' "http://127.0.0.1:$p/v1/chat/completions")
  [ "$code" = 200 ] || die "instance on :$p answered $code with the key created on A"
done

wrk_() { # port conns seconds -> "rps requests p99_us errors"
  BENCH_AUTH="$key" timeout $(($3 + 30)) wrk -c"$2" -t1 -d"$3s" --timeout 5s --latency -s "$bench/wrk/chat.lua" \
    "http://127.0.0.1:$1/v1/chat/completions" 2>&1 \
    | sed -n 's/^BENCH rps=\([0-9.]*\) p50_us=[0-9]* p99_us=\([0-9]*\) .* requests=\([0-9]*\) errors=\([0-9]*\)$/\1 \3 \2 \4/p'
}
rows() { psql_ -c "SELECT coalesce(sum(n_tup_ins),0) || ' ' || coalesce(sum(n_tup_upd),0) || ' ' || coalesce(sum(n_tup_del),0) || ' ' || coalesce(sum(seq_scan + coalesce(idx_scan,0)),0) FROM pg_stat_user_tables WHERE schemaname = '$schema'"; }
xacts() { psql_ -c "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"; }
redis_calls() { redis-cli -u "$REDIS" info commandstats | tr -d '\r' | awk -F'[=,:]' '/^cmdstat_/ {s += $3} END {print s}'; }
say "warming both instances (${WARM}s each)"
wrk_ "$A" "$CONNS" "$WARM" >/dev/null; wrk_ "$B" "$CONNS" "$WARM" >/dev/null
sleep 2
measure() { # label, then port:conns pairs
  local label=$1; shift
  local r0 x0 c0 r1 x1 c1 total=0 reqs=0 p99s="" errs=0
  r0=$(rows); x0=$(xacts); c0=$(redis_calls)
  local outs=()
  for t in "$@"; do wrk_ "${t%%:*}" "${t##*:}" "$SECS" >"$work/wrk-${t%%:*}.out" & outs+=($!); done
  wait "${outs[@]}"
  sleep 3   # the ledger writers flush behind
  r1=$(rows); x1=$(xacts); c1=$(redis_calls)
  for t in "$@"; do
    read -r rps n p99 e <"$work/wrk-${t%%:*}.out"
    total=$(awk -v a="$total" -v b="$rps" 'BEGIN {print a + b}'); reqs=$((reqs + n)); errs=$((errs + e)); p99s+="${p99s:+ / }$(awk -v u="$p99" 'BEGIN {printf "%.1f", u / 1000}')"
  done
  read -r i0 u0 d0 s0 <<<"$r0"; read -r i1 u1 d1 s1 <<<"$r1"
  printf '| %s | %.0f | %s ms | %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |\n' "$label" "$total" "$p99s" "$errs" \
    "$(awk -v a=$((i1 - i0)) -v n=$reqs 'BEGIN {print a / n}')" "$(awk -v a=$((u1 - u0)) -v n=$reqs 'BEGIN {print a / n}')" \
    "$(awk -v a=$((d1 - d0)) -v n=$reqs 'BEGIN {print a / n}')" "$(awk -v a=$((s1 - s0)) -v n=$reqs 'BEGIN {print a / n}')" \
    "$(awk -v a=$((x1 - x0)) -v n=$reqs 'BEGIN {print a / n}')" "$(awk -v a=$((c1 - c0)) -v n=$reqs 'BEGIN {print a / n}')"
}
say "measuring"
one=$(measure "one instance (A), $CONNS connections" "$A:$CONNS")
two=$(measure "two instances (A + B), $((CONNS / 2)) connections each" "$A:$((CONNS / 2))" "$B:$((CONNS / 2))")
echo
echo "Command: \`bench/two-instances.sh\` (${SECS}s per run after ${WARM}s warm-up per instance; JVM options \`$TOKENGATE_JAVA_OPTS\`)."
echo "Load average at the start $load_start, at the end $(cut -d' ' -f1-3 /proc/loadavg). Per request: rows inserted, updated,"
echo "deleted and table scans in the gateway's schema; committed transactions in the whole database (other users of the"
echo "database count too); Redis commands (all of Redis's commands, so anything else using it counts too)."
echo
echo "| run | req/s | p99 | errors | rows inserted | rows updated | rows deleted | table scans | PG commits | Redis commands |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
echo "$one"; echo "$two"
failed=0
