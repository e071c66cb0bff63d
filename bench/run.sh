#!/usr/bin/env bash
# Benchmark: Tokengate and Portkey's gateway side by side, against the same fixed-response upstream, in one run.
#
# Starts (all on 127.0.0.1): bench/upstream/FixedUpstream.java; bench/proxy/BareProxy.java (a bare Vert.x hop, the
# floor for one JVM in the path); Tokengate with its whole pipeline on (auth with a user key created through /admin/v1,
# rate limits that never refuse, a priced model bench-model -> the upstream via the openai provider, so a balance hold,
# a settlement and a usage record per request; metrics); the same gateway with accounting off, and with its rate limits
# in Redis (a key prefix of its own, removed at the end); @portkey-ai/gateway from npm (installed into
# bench/node_modules). Then, in
# BENCH_ROUNDS interleaved rounds, for each target: latency at 1 connection (p50, p99) and throughput at 64 connections;
# finally peak RSS (VmHWM) of each process.
# Prints a markdown table and writes it to bench/results/<timestamp>.md. Everything started is stopped on exit.
#
# Knobs (environment): BENCH_ROUNDS (3), BENCH_LATENCY_SECONDS (5), BENCH_THROUGHPUT_SECONDS (10),
# BENCH_WARMUP_SECONDS (40: the most a target is warmed; it stops earlier once its throughput stops climbing),
# BENCH_CONNECTIONS (64), BENCH_SKIP_PORTKEY=1, BENCH_SKIP_BARE_EPOLL=1 (no second bare hop on epoll), BENCH_SKIP_OFF=1 (no second gateway with accounting off),
# BENCH_SKIP_REDIS=1 (no third gateway with its rate limits and cache in Redis), BENCH_REDIS (redis://127.0.0.1:6379/0),
# TOKENGATE_JAVA_OPTS (JVM options for the gateway, as for bin/tokengate).
set -euo pipefail

bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$bench/.." && pwd)"
. "$root/bin/java-home.sh"
. "$root/bin/java-opts.sh"
cd "$root"

ROUNDS=${BENCH_ROUNDS:-3}
LAT_S=${BENCH_LATENCY_SECONDS:-5}
TPUT_S=${BENCH_THROUGHPUT_SECONDS:-10}
WARM_S=${BENCH_WARMUP_SECONDS:-40}
CONNS=${BENCH_CONNECTIONS:-64}
REDIS_URL=${BENCH_REDIS:-redis://127.0.0.1:6379/0}
# the Redis gateway's keys, so that a run starts from empty counters and removes only its own keys
REDIS_PREFIX="bench_$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n'):"
PORTKEY_VERSION=1.15.2
PORTKEY_START="$bench/node_modules/@portkey-ai/gateway/build/start-server.js"
# the two preloads Portkey needs here (bind to 127.0.0.1 only; make streaming work on Node), from ../shared next to the
# main checkout (a git worktree lives elsewhere, so look next to the repository's common .git too)
if [ -z "${PORTKEY_SHIMS:-}" ]; then
  for dir in "$root/../shared/tools/portkey" "$(git -C "$root" rev-parse --path-format=absolute --git-common-dir 2>/dev/null)/../../shared/tools/portkey"; do
    [ -f "$dir/bind-loopback.cjs" ] && { PORTKEY_SHIMS=$(cd "$dir" && pwd); break; }
  done
fi
tools="wrk curl node npm"
[ "${BENCH_SKIP_REDIS:-0}" = 1 ] || tools+=" redis-cli"
for tool in $tools; do
  command -v "$tool" >/dev/null || { echo "bench: '$tool' is needed and was not found" >&2; exit 1; }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/tokengate-bench.XXXXXX")"
pids=()
failed=1
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [ "$failed" = 1 ]; then
    for log in "$work"/*.log; do [ -f "$log" ] && { echo "--- last lines of $(basename "$log")" >&2; tail -n 15 "$log" >&2; }; done
  fi
  if [ "${BENCH_SKIP_REDIS:-0}" != 1 ]; then
    redis-cli -u "$REDIS_URL" --scan --pattern "$REDIS_PREFIX*" 2>/dev/null | xargs -r redis-cli -u "$REDIS_URL" del >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { say "error: $*"; exit 1; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() {
  local p=$1
  while port_in_use "$p"; do p=$((p + 1)); done
  echo "$p"
}

# Polls until `curl ARGS` answers 200, or gives up after $1 seconds.
wait_ok() {
  local seconds=$1 name=$2 pid=$3; shift 3
  local deadline=$((SECONDS + seconds))
  until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$@" 2>/dev/null)" = 200 ]; do
    kill -0 "$pid" 2>/dev/null || die "$name exited during start-up"
    [ $SECONDS -lt $deadline ] || die "$name did not answer within ${seconds}s"
    sleep 0.2
  done
}

# user + system CPU time of a process, in clock ticks
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
CLK_TCK=$(getconf CLK_TCK)
peak_rss_mb() { awk '/^VmHWM:/ {printf "%.0f", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo "?"; }

# --- build ---------------------------------------------------------------------------------------------------------
jar="$root/target/tokengate.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$root/src/main" "$root/pom.xml" -newer "$jar" -print -quit 2>/dev/null)" ]; then
  say "building target/tokengate.jar"
  mvn -q -B -DskipTests package >"$work/build.log" 2>&1 || die "build failed (see above)"
fi
# every JVM runs from a copy, so that a rebuild of target/ during the run cannot pull classes from under it
cp "$jar" "$work/tokengate.jar"
jar="$work/tokengate.jar"
JAVA_OPTS=$TOKENGATE_JAVA_OPTS # bin/java-opts.sh: the same defaults as bin/tokengate
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
if [ "${BENCH_SKIP_PORTKEY:-0}" != 1 ] && [ ! -f "${PORTKEY_SHIMS:-}/bind-loopback.cjs" ]; then
  die "Portkey's preloads (bind-loopback.cjs, mutable-fetch.cjs) were not found in ../shared/tools/portkey; set PORTKEY_SHIMS"
fi
if [ "${BENCH_SKIP_PORTKEY:-0}" != 1 ] && [ ! -f "$PORTKEY_START" ]; then
  say "installing @portkey-ai/gateway@$PORTKEY_VERSION into bench/node_modules"
  (cd "$bench" && timeout 300 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) >"$work/npm.log" 2>&1 \
    || die "npm ci failed"
fi

# --- start the processes ----------------------------------------------------------------------------------------------
UP_PORT=$(pick_port 18100)
BARE_PORT=$(pick_port $((UP_PORT + 1)))
GW_PORT=$(pick_port $((BARE_PORT + 1)))
OFF_PORT=$(pick_port $((GW_PORT + 1)))
REDIS_PORT=$(pick_port $((OFF_PORT + 1)))
PK_PORT=$(pick_port $((REDIS_PORT + 1)))
CHAT=/v1/chat/completions
REQ='{"model":"bench-model","messages":[{"role":"user","content":"ping"}]}'

say "starting the fixed upstream on :$UP_PORT"
"$JAVA_HOME/bin/java" -XX:+UseParallelGC -cp "$jar" "$bench/upstream/FixedUpstream.java" "$UP_PORT" 127.0.0.1 \
  >"$work/upstream.log" 2>&1 &
UP_PID=$!; pids+=("$UP_PID")

say "starting the bare Vert.x hop on :$BARE_PORT (the gateway's transport: io_uring where the kernel allows it)"
# the bare hops run on the gateway's collector (bin/java-opts.sh, TOKENGATE_GC)
"$JAVA_HOME/bin/java" "${gc_opts%% *}" $IO_URING_RINGS -cp "$jar" "$bench/proxy/BareProxy.java" "$BARE_PORT" "$UP_PORT" auto \
  >"$work/bare.log" 2>&1 &
BARE_PID=$!; pids+=("$BARE_PID")
if [ "${BENCH_SKIP_BARE_EPOLL:-0}" != 1 ]; then
  BARE_EPOLL_PORT=$(pick_port $((PK_PORT + 1)))
  say "starting the bare Vert.x hop on epoll on :$BARE_EPOLL_PORT (the floor of sessions before io_uring)"
  "$JAVA_HOME/bin/java" "${gc_opts%% *}" -cp "$jar" "$bench/proxy/BareProxy.java" "$BARE_EPOLL_PORT" "$UP_PORT" epoll \
    >"$work/bare-epoll.log" 2>&1 &
  BARE_EPOLL_PID=$!; pids+=("$BARE_EPOLL_PID")
fi

admin_key="bench-admin-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
cat >"$work/tokengate.yaml" <<EOF
server:
  host: 127.0.0.1
models:
  - name: bench-model
    owned_by: bench
    deployments:
      - provider: openai
        base_url: http://127.0.0.1:$UP_PORT/v1
        upstream_model: bench-model
        api_key_env: BENCH_UPSTREAM_KEY
        price: {input_per_m: 0.25, output_per_m: 2.00}
# limits on, high enough never to refuse: the limiter's work is measured, not its refusals
rate_limits:
  tiers:
    user_go: {requests_per_minute: 100000000, tokens_per_minute: 100000000000, concurrent_requests: 100000}
EOF
say "starting Tokengate on :$GW_PORT"
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
TOKENGATE_ADMIN_KEY="$admin_key" BENCH_UPSTREAM_KEY=sk-bench-upstream \
  "$JAVA_HOME/bin/java" $JAVA_OPTS -jar "$jar" serve --host 127.0.0.1 --port "$GW_PORT" --data-dir "$work/data" --config "$work/tokengate.yaml" \
  >"$work/tokengate.log" 2>&1 &
GW_PID=$!; pids+=("$GW_PID")

# the same gateway with accounting off (no balance, no ledger, no rate limits): issue 4 compares the two
sed -e '/^rate_limits:/,$d' "$work/tokengate.yaml" >"$work/tokengate-off.yaml"
printf 'billing:\n  enabled: false\n' >>"$work/tokengate-off.yaml"
if [ "${BENCH_SKIP_OFF:-0}" != 1 ]; then
  say "starting Tokengate with accounting off on :$OFF_PORT"
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  TOKENGATE_ADMIN_KEY="$admin_key" BENCH_UPSTREAM_KEY=sk-bench-upstream \
    "$JAVA_HOME/bin/java" $JAVA_OPTS -jar "$jar" serve --host 127.0.0.1 --port "$OFF_PORT" --data-dir "$work/data-off" \
    --config "$work/tokengate-off.yaml" >"$work/tokengate-off.log" 2>&1 &
  OFF_PID=$!; pids+=("$OFF_PID")
fi

# the same gateway with its rate limits and response cache in Redis (issue 4: with and without Redis); balances stay in
# the gateway with SQLite behind, as with one instance (docs/ACCOUNTS.md)
if [ "${BENCH_SKIP_REDIS:-0}" != 1 ]; then
  redis-cli -u "$REDIS_URL" ping >/dev/null 2>&1 || die "Redis at $REDIS_URL does not answer (BENCH_SKIP_REDIS=1 leaves that target out)"
  { sed -e '/^models:/,$d' "$work/tokengate.yaml"
    printf 'redis:\n  url: "%s"\n  key_prefix: "%s"\n' "$REDIS_URL" "$REDIS_PREFIX"
    sed -n '/^models:/,$p' "$work/tokengate.yaml"; } >"$work/tokengate-redis.yaml"
  say "starting Tokengate with Redis on :$REDIS_PORT"
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  TOKENGATE_ADMIN_KEY="$admin_key" BENCH_UPSTREAM_KEY=sk-bench-upstream \
    "$JAVA_HOME/bin/java" $JAVA_OPTS -jar "$jar" serve --host 127.0.0.1 --port "$REDIS_PORT" --data-dir "$work/data-redis" \
    --config "$work/tokengate-redis.yaml" >"$work/tokengate-redis.log" 2>&1 &
  REDIS_PID=$!; pids+=("$REDIS_PID")
fi

if [ "${BENCH_SKIP_PORTKEY:-0}" != 1 ]; then
  say "starting Portkey $PORTKEY_VERSION on :$PK_PORT"
  node --require "$PORTKEY_SHIMS/bind-loopback.cjs" --require "$PORTKEY_SHIMS/mutable-fetch.cjs" "$PORTKEY_START" \
    --port="$PK_PORT" --headless >"$work/portkey.log" 2>&1 &
  PK_PID=$!; pids+=("$PK_PID")
fi

wait_ok 120 upstream "$UP_PID" -X POST -H 'Content-Type: application/json' -d "$REQ" "http://127.0.0.1:$UP_PORT$CHAT"
wait_ok 120 "bare hop" "$BARE_PID" -X POST -H 'Content-Type: application/json' -d "$REQ" "http://127.0.0.1:$BARE_PORT$CHAT"
[ "${BENCH_SKIP_BARE_EPOLL:-0}" = 1 ] || wait_ok 120 "bare hop (epoll)" "$BARE_EPOLL_PID" -X POST \
  -H 'Content-Type: application/json' -d "$REQ" "http://127.0.0.1:$BARE_EPOLL_PORT$CHAT"
wait_ok 120 Tokengate "$GW_PID" "http://127.0.0.1:$GW_PORT/ready"
[ "${BENCH_SKIP_OFF:-0}" = 1 ] || wait_ok 120 "Tokengate (accounting off)" "$OFF_PID" "http://127.0.0.1:$OFF_PORT/ready"
[ "${BENCH_SKIP_REDIS:-0}" = 1 ] || wait_ok 120 "Tokengate (Redis)" "$REDIS_PID" "http://127.0.0.1:$REDIS_PORT/ready"

admin() { curl -sf --max-time 10 -H "Authorization: Bearer $admin_key" -H 'Content-Type: application/json' "$@"; }
user_json=$(admin -X POST -d '{"name":"bench","tier":"user_go"}' "http://127.0.0.1:$GW_PORT/admin/v1/users") \
  || die "creating the bench user failed"
user_id=$(sed -n 's/^{"id":"\([^"]*\)".*/\1/p' <<<"$user_json")
key_json=$(admin -X POST -d '{"name":"bench"}' "http://127.0.0.1:$GW_PORT/admin/v1/users/$user_id/keys") \
  || die "creating the bench key failed"
user_key=$(sed -n 's/.*"key":"\([^"]*\)".*/\1/p' <<<"$key_json")
[ -n "$user_key" ] || die "no key in the admin answer"
# bench-model is priced, so every request holds and settles a balance and writes a usage record
admin -X POST -d '{"amount_usd":"100000","reason":"benchmark"}' \
  "http://127.0.0.1:$GW_PORT/admin/v1/users/$user_id/balance/topup" >/dev/null || die "topping up the bench user failed"

off_key=""
if [ "${BENCH_SKIP_OFF:-0}" != 1 ]; then
  off_user=$(admin -X POST -d '{"name":"bench","tier":"user_go"}' "http://127.0.0.1:$OFF_PORT/admin/v1/users" \
    | sed -n 's/^{"id":"\([^"]*\)".*/\1/p') || die "creating the bench user (accounting off) failed"
  off_key=$(admin -X POST -d '{"name":"bench"}' "http://127.0.0.1:$OFF_PORT/admin/v1/users/$off_user/keys" \
    | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
  [ -n "$off_key" ] || die "no key in the admin answer (accounting off)"
fi

redis_key=""
if [ "${BENCH_SKIP_REDIS:-0}" != 1 ]; then
  redis_user=$(admin -X POST -d '{"name":"bench","tier":"user_go"}' "http://127.0.0.1:$REDIS_PORT/admin/v1/users" \
    | sed -n 's/^{"id":"\([^"]*\)".*/\1/p') || die "creating the bench user (Redis) failed"
  redis_key=$(admin -X POST -d '{"name":"bench"}' "http://127.0.0.1:$REDIS_PORT/admin/v1/users/$redis_user/keys" \
    | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
  [ -n "$redis_key" ] || die "no key in the admin answer (Redis)"
  admin -X POST -d '{"amount_usd":"100000","reason":"benchmark"}' \
    "http://127.0.0.1:$REDIS_PORT/admin/v1/users/$redis_user/balance/topup" >/dev/null || die "topping up the bench user (Redis) failed"
fi

status=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Authorization: Bearer not-a-key' \
  -H 'Content-Type: application/json' -d "$REQ" "http://127.0.0.1:$GW_PORT$CHAT")
[ "$status" = 401 ] || die "Tokengate answered $status to a wrong key: auth must be on"

PK_HEADERS=$'x-portkey-provider: openai\nx-portkey-custom-host: http://127.0.0.1:'"$UP_PORT"'/v1'
targets=(direct bare tokengate)
declare -A URL AUTH HDRS PID LABEL
URL[direct]="http://127.0.0.1:$UP_PORT$CHAT"; AUTH[direct]=sk-bench-upstream; HDRS[direct]=""; PID[direct]=$UP_PID
URL[bare]="http://127.0.0.1:$BARE_PORT$CHAT"; AUTH[bare]=sk-bench-upstream; HDRS[bare]=""; PID[bare]=$BARE_PID
URL[tokengate]="http://127.0.0.1:$GW_PORT$CHAT"; AUTH[tokengate]=$user_key; HDRS[tokengate]=""; PID[tokengate]=$GW_PID
bare_transport=$(sed -n 's/.*(\([a-z_]*\))$/\1/p' "$work/bare.log" | head -n1)
gw_transport=$(sed -n 's/.*transport: \([a-z_]*\),.*/\1/p' "$work/tokengate.log" | head -n1)
LABEL[direct]="upstream direct"; LABEL[bare]="bare Vert.x hop ($bare_transport)"; LABEL[tokengate]="Tokengate"
if [ "${BENCH_SKIP_BARE_EPOLL:-0}" != 1 ]; then
  targets=(direct bare bare_epoll tokengate)
  URL[bare_epoll]="http://127.0.0.1:$BARE_EPOLL_PORT$CHAT"; AUTH[bare_epoll]=sk-bench-upstream; HDRS[bare_epoll]=""
  PID[bare_epoll]=$BARE_EPOLL_PID; LABEL[bare_epoll]="bare Vert.x hop (epoll)"
fi
if [ "${BENCH_SKIP_OFF:-0}" != 1 ]; then
  targets+=(off)
  URL[off]="http://127.0.0.1:$OFF_PORT$CHAT"; AUTH[off]=$off_key; HDRS[off]=""; PID[off]=$OFF_PID
  LABEL[off]="Tokengate, accounting off"
fi
if [ "${BENCH_SKIP_REDIS:-0}" != 1 ]; then
  targets+=(redis)
  URL[redis]="http://127.0.0.1:$REDIS_PORT$CHAT"; AUTH[redis]=$redis_key; HDRS[redis]=""; PID[redis]=$REDIS_PID
  LABEL[redis]="Tokengate, Redis"
fi
LABEL[portkey]="Portkey $PORTKEY_VERSION"
if [ "${BENCH_SKIP_PORTKEY:-0}" != 1 ]; then
  targets+=(portkey)
  URL[portkey]="http://127.0.0.1:$PK_PORT$CHAT"; AUTH[portkey]=sk-bench-upstream; HDRS[portkey]=$PK_HEADERS
  PID[portkey]=$PK_PID
  wait_ok 120 Portkey "$PK_PID" -X POST -H 'Content-Type: application/json' -H 'Authorization: Bearer sk-bench-upstream' \
    -H 'x-portkey-provider: openai' -H "x-portkey-custom-host: http://127.0.0.1:$UP_PORT/v1" -d "$REQ" "${URL[portkey]}"
fi

for t in "${targets[@]}"; do
  hdr_args=()
  while IFS= read -r line; do [ -n "$line" ] && hdr_args+=(-H "$line"); done <<<"${HDRS[$t]}"
  for stream in false true; do
    body=$(curl -s --max-time 5 -X POST -H "Authorization: Bearer ${AUTH[$t]}" -H 'Content-Type: application/json' \
      "${hdr_args[@]}" -d '{"model":"bench-model","stream":'$stream',"messages":[{"role":"user","content":"ping"}]}' "${URL[$t]}")
    case "$stream:$body" in
      false:*'"chat.completion"'*|true:*'data: [DONE]'*) ;;
      *) die "${LABEL[$t]} gave an unexpected answer (stream=$stream): ${body:0:300}" ;;
    esac
  done
done

# --- measure -------------------------------------------------------------------------------------------------------
# run_wrk TARGET CONNECTIONS THREADS SECONDS -> prints the BENCH line's fields (rps p50_us p99_us p999_us errors requests)
run_wrk() {
  local t=$1 c=$2 th=$3 s=$4 out
  out=$(BENCH_AUTH="${AUTH[$t]}" BENCH_HEADERS="${HDRS[$t]}" timeout $((s + 30)) \
    wrk -c"$c" -t"$th" -d"${s}s" --timeout 5s --latency -s "$bench/wrk/chat.lua" "${URL[$t]}" 2>&1) \
    || die "wrk failed against ${LABEL[$t]}: $out"
  printf '%s\n' "$out" >>"$work/wrk-$t.log"
  sed -n 's/^BENCH rps=\([0-9.]*\) p50_us=\([0-9]*\) p99_us=\([0-9]*\) p999_us=\([0-9]*\) max_us=[0-9]* requests=\([0-9]*\) errors=\([0-9]*\)$/\1 \2 \3 \4 \6 \5/p' <<<"$out"
}

# Warms a target at $CONNS connections in 5 s steps until two steps in a row are no more than 5% faster than the best
# before them, after a minimum (25 s for the JVMs under test, whose JIT needs it even more on a busy machine; 15 s for
# Portkey; 10 s for the upstream, which every other warm-up warms again) and within WARM_S at most.
warm_up() {
  local t=$1 spent=0 best=0 stale=0 rps min=25
  case "$t" in direct) min=10 ;; portkey) min=15 ;; esac
  while [ "$spent" -lt "$WARM_S" ]; do
    read -r rps _ <<<"$(run_wrk "$t" "$CONNS" 2 5)"
    rps=${rps:-0}
    spent=$((spent + 5))
    if awk -v a="$rps" -v b="$best" 'BEGIN {exit !(a < b * 1.05)}'; then stale=$((stale + 1)); else stale=0; fi
    best=$(awk -v a="$rps" -v b="$best" 'BEGIN {print (a > b ? a : b)}')
    if [ "$spent" -ge "$min" ] && [ "$stale" -ge 2 ]; then break; fi
  done
  run_wrk "$t" 1 1 2 >/dev/null
  say "warmed up ${LABEL[$t]} for ${spent}s (last step: $rps req/s)"
  WARMED+="${WARMED:+, }${LABEL[$t]} ${spent}s"
}
WARMED=""
for t in "${targets[@]}"; do warm_up "$t"; done

declare -A R
for r in $(seq "$ROUNDS"); do
  for t in "${targets[@]}"; do
    say "round $r/$ROUNDS: ${LABEL[$t]}: 1 connection ${LAT_S}s, then $CONNS connections ${TPUT_S}s"
    read -r _ p50 p99 p999 e1 _ <<<"$(run_wrk "$t" 1 1 "$LAT_S")"
    cpu0=$(cpu_ticks "${PID[$t]}")
    read -r rps _ tp99 _ e2 n <<<"$(run_wrk "$t" "$CONNS" 2 "$TPUT_S")"
    cpu1=$(cpu_ticks "${PID[$t]}")
    [ -n "${rps:-}" ] && [ -n "${p50:-}" ] || die "could not read wrk's results for ${LABEL[$t]}"
    cpu_us=$(awk -v d=$((cpu1 - cpu0)) -v hz="$CLK_TCK" -v n="$n" 'BEGIN {printf "%.1f", (n > 0 ? d * 1e6 / hz / n : 0)}')
    R[$t,$r]="$p50 $p99 $p999 $rps $tp99 $((e1 + e2)) $cpu_us"
  done
done
declare -A RSS
for t in "${targets[@]}"; do RSS[$t]=$(peak_rss_mb "${PID[$t]}"); done

# --- report --------------------------------------------------------------------------------------------------------
median() { sort -g | awk '{a[NR] = $1} END {if (NR == 0) print "nan"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
field() { local t=$1 i=$2 r; for r in $(seq "$ROUNDS"); do awk -v i="$i" '{print $i}' <<<"${R[$t,$r]}"; done; }
added() { local t=$1 i=$2 r; for r in $(seq "$ROUNDS"); do
  paste -d' ' <(awk -v i="$i" '{print $i}' <<<"${R[$t,$r]}") <(awk -v i="$i" '{print $i}' <<<"${R[direct,$r]}") | awk '{print $1 - $2}'
done; }
# round_ratios A B: A's req/s over B's in each round (they ran minutes apart at most), as "66%, 105%, ...; median 66%":
# the median of two medians hides a round where only one of them was slowed by the machine
round_ratios() { local a=$1 b=$2 r list
  list=$(for r in $(seq "$ROUNDS"); do paste -d' ' <(awk '{print $4}' <<<"${R[$a,$r]}") <(awk '{print $4}' <<<"${R[$b,$r]}") \
    | awk '{printf "%.0f\n", 100 * $1 / $2}'; done)
  printf '%s; median %s%%' "$(sed 's/$/%/' <<<"$list" | paste -sd, | sed 's/,/, /g')" "$(median <<<"$list")"; }
ms() { awk -v us="$1" 'BEGIN {printf "%.3f", us / 1000}'; }
signed_ms() { awk -v us="$1" 'BEGIN {printf "%+.3f", us / 1000}'; }

declare -A M
for t in "${targets[@]}"; do
  M[$t,p50]=$(field "$t" 1 | median); M[$t,p99]=$(field "$t" 2 | median); M[$t,p999]=$(field "$t" 3 | median)
  M[$t,rps]=$(field "$t" 4 | median); M[$t,tp99]=$(field "$t" 5 | median)
  M[$t,errors]=$(field "$t" 6 | awk '{s += $1} END {print s}')
  M[$t,cpu]=$(field "$t" 7 | median)
  M[$t,add50]=$(added "$t" 1 | median); M[$t,add99]=$(added "$t" 2 | median)
done

stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$bench/results"
result="$bench/results/$stamp.md"
{
  echo "# Benchmark run $stamp"
  echo
  echo "Command: \`bench/run.sh\` (rounds $ROUNDS; 1 connection ${LAT_S}s; $CONNS connections ${TPUT_S}s, 2 wrk threads;"
  echo "warm-up at $CONNS connections: $WARMED). Machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n1),"
  echo "$(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo) RAM, Linux $(uname -r); load average at the start"
  echo "$load_start, at the end $(cut -d' ' -f1-3 /proc/loadavg). JDK $("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.runtime.version = //p'),"
  echo "gateway JVM options: \`$JAVA_OPTS\`; Node $(node --version); $(wrk --version 2>&1 | head -n1 | cut -d' ' -f1-2)."
  echo "Wrk, the upstream and the gateway under test share the same cores."
  if awk -v l="${load_start%% *}" -v n="$(nproc)" 'BEGIN {exit !(l > n)}'; then
    echo
    echo "**The machine was busy** (load ${load_start%% *} on $(nproc) cores when the run started): other work took CPU from"
    echo "every target, so absolute req/s are low; the ratios, and CPU per request, are the numbers to compare."
  fi
  echo
  echo "Medians over the rounds. Added latency = the target's percentile minus the upstream's, per round, median."
  echo
  echo "| target | p50 @1 conn | p99 @1 conn | added p50 | added p99 | req/s @$CONNS conn | vs direct | p99 @$CONNS conn | CPU per request | peak RSS | errors |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for t in "${targets[@]}"; do
    if [ "$t" = direct ]; then a50="-"; a99="-"; ratio="1.000"; else
      a50="$(signed_ms "${M[$t,add50]}") ms"; a99="$(signed_ms "${M[$t,add99]}") ms"
      ratio=$(awk -v a="${M[$t,rps]}" -v b="${M[direct,rps]}" 'BEGIN {printf "%.3f", a / b}')
    fi
    printf '| %s | %s ms | %s ms | %s | %s | %.0f | %s | %s ms | %.0f µs | %s MB | %s |\n' "${LABEL[$t]}" \
      "$(ms "${M[$t,p50]}")" "$(ms "${M[$t,p99]}")" "$a50" "$a99" "${M[$t,rps]}" "$ratio" "$(ms "${M[$t,tp99]}")" \
      "${M[$t,cpu]}" "${RSS[$t]}" "${M[$t,errors]}"
  done
  echo
  echo "CPU per request: user + system CPU time the target process used during the $CONNS-connection run, divided by the"
  echo "requests it served (for \"upstream direct\", the upstream itself). Unlike req/s, it hardly depends on what else"
  echo "runs on the machine. Peak RSS is VmHWM of the process at the end of the run."
  echo "The bare Vert.x hop (bench/proxy/BareProxy.java) forwards without auth, parsing or metrics: the floor for one JVM hop."
  echo
  echo "Tokengate (transport: ${gw_transport:-?}) does $(awk -v a="${M[tokengate,rps]}" -v b="${M[bare,rps]}" 'BEGIN {printf "%.0f%%", 100 * a / b}') of the bare hop's throughput on ${bare_transport:-?} (issue 6: at least 70%)$(
    [ -n "${M[bare_epoll,rps]:-}" ] && awk -v a="${M[tokengate,rps]}" -v b="${M[bare_epoll,rps]}" 'BEGIN {printf ", %.0f%% of the bare hop on epoll", 100 * a / b}')."
  echo "Round by round, against the bare hop on ${bare_transport:-?}: $(round_ratios tokengate bare)."
  if [ -n "${M[off,rps]:-}" ]; then
    echo
    echo "With accounting on (auth, rate limits, balance hold and settlement, ledger) Tokengate keeps $(awk -v a="${M[tokengate,rps]}" \
      -v b="${M[off,rps]}" 'BEGIN {printf "%.0f%%", 100 * a / b}') of its throughput with accounting off (issue 4: at least 80%)."
  fi
  if [ -n "${M[redis,rps]:-}" ]; then
    echo
    echo "With its rate limits and response cache in Redis (\`redis.url\`, the limits one Lua call per key and event-loop turn) Tokengate"
    echo "does $(awk -v a="${M[redis,rps]}" -v b="${M[tokengate,rps]}" 'BEGIN {printf "%.0f%%", 100 * a / b}') of its throughput without Redis$(
      [ -n "${M[off,rps]:-}" ] && awk -v a="${M[redis,rps]}" -v b="${M[off,rps]}" 'BEGIN {printf ", %.0f%% of it with accounting off", 100 * a / b}')."
  fi
  if [ -n "${M[portkey,rps]:-}" ]; then
    x=$(awk -v a="${M[tokengate,rps]}" -v b="${M[portkey,rps]}" 'BEGIN {printf "%.1f", a / b}')
    verdict=$(awk -v x="$x" 'BEGIN {print (x >= 25 ? "met" : "NOT met")}')
    echo
    echo "**Tokengate throughput = ${x}x Portkey's** (issue 6: at least 25x: $verdict)."
  fi
  echo
  echo "<details><summary>Every round (latencies in ms)</summary>"
  echo
  echo "| round | target | p50 @1 | p99 @1 | p99.9 @1 | req/s @$CONNS | p99 @$CONNS | CPU µs/req | errors |"
  echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|"
  for r in $(seq "$ROUNDS"); do
    for t in "${targets[@]}"; do
      read -r p50 p99 p999 rps tp99 e cpu <<<"${R[$t,$r]}"
      printf '| %s | %s | %s | %s | %s | %.0f | %s | %s | %s |\n' "$r" "${LABEL[$t]}" "$(ms "$p50")" "$(ms "$p99")" \
        "$(ms "$p999")" "$rps" "$(ms "$tp99")" "$cpu" "$e"
    done
  done
  echo
  echo "</details>"
} >"$result"
cat "$result"
say "written to ${result#"$root"/}"
failed=0
