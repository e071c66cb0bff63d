#!/usr/bin/env bash
# Streaming benchmark (issue 6): time to first token added by Tokengate, and how many concurrent SSE streams it carries
# without a stall (no chunk for more than 1 s while the upstream is sending).
#
# Starts on 127.0.0.1: bench/upstream/SlowStreamUpstream.java (a chunk every STREAMS_INTERVAL_MS for
# STREAMS_SECONDS per stream); Tokengate with the whole pipeline on, as bench/run.sh sets it up (user key, rate limits
# that never refuse, priced model bench-model -> the upstream, so every stream holds and settles a balance and writes
# a usage record), with bin/tokengate's JVM options. Then bench/streams/StreamsBench.java:
#   1. TTFT: STREAMS_TTFT_COUNT one-token streams one at a time (kept-alive connections), direct to the upstream and
#      through Tokengate (interleaved x3);
#   2. for each level in STREAMS_LEVELS: that many concurrent streams, opened at STREAMS_RAMP a second, held until the
#      upstream ends them; counts stalls, errors, TTFT under load; the gateway's peak RSS, open descriptors and CPU per
#      relayed chunk. Then the same level through bench/proxy/BareProxy.java (STREAMS_BARE=1, the default; 0 skips it):
#      a bare Vert.x hop on the gateway's transport, to the upstream over the same protocol (h2c or HTTP/1.1), with no
#      auth, parsing or accounting; the floor for one JVM hop on this machine, as in bench/run.sh.
# Stops by itself (each level is bounded: ramp time + stream time + 60 s) and stops everything it started.
# The gateway runs on TOKENGATE_TRANSPORT (auto: io_uring); for 10,000 streams on 2 cores set it to epoll, as the docs
# tell deployments to: on io_uring the gateway, and the bare hop, fall behind there (docs/PERFORMANCE.md, "Session 10").
# Knobs: STREAMS_LEVELS ("1000 5000 10000"), STREAMS_RAMP (500/s), STREAMS_INTERVAL_MS (150), STREAMS_SECONDS (30),
# STREAMS_TTFT_COUNT (200), STREAMS_WARM_COUNT (20000: one-token streams one at a time through each hop before anything
# is measured), TOKENGATE_GC (serial for the collector advised for many streams; bin/java-opts.sh), STREAMS_BARE (1: also the bare hop at each level), STREAMS_HTTP2 (1: the deployment has http2: true, so the gateway's upstream streams share
# h2c connections, 100 streams each; 0: HTTP/1.1, one upstream connection per stream), TOKENGATE_JAVA_OPTS,
# STREAMS_READER (lazy, the default since session 13: the load generator reads every socket that has data every 20 ms
# and never waits in the kernel for a chunk (Java NIO, two threads), so it takes less of the cores it shares with the
# hop under test, which clients on other machines would not share at all; stalls are timed to within one 20 ms pass; eager: a Netty client that waits for each read, as sessions 8 to 12 measured;
# docs/PERFORMANCE.md, "Session 13"), STREAMS_PORT (18200: the first port tried for the upstream, the gateway takes the next free one),
# STREAMS_TOOLS_TRANSPORT (the upstream's and the eager load generator's event loops: io_uring (the default), epoll or nio,
# falling back to epoll, then NIO, where the one asked for is not available; io_uring whatever the gateway runs on since
# session 10, because on it the load generator costs the shared cores least per chunk (docs/PERFORMANCE.md, "Session
# 10"); sessions 7 to 9 ran the tools on the gateway's transport), STREAMS_HISTOGRAM_DIR (when set: the gateway's class histogram, `jcmd GC.class_histogram`, taken there as
# histogram-<level>.txt 5 s after the ramp of each level, while the streams are held).
set -euo pipefail
bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$bench/.." && pwd)"
. "$root/bin/java-home.sh"
. "$root/bin/java-opts.sh"
cd "$root"
LEVELS=${STREAMS_LEVELS:-1000 5000 10000}
RAMP=${STREAMS_RAMP:-500}
INTERVAL=${STREAMS_INTERVAL_MS:-150}
SECS=${STREAMS_SECONDS:-30}
TTFT_N=${STREAMS_TTFT_COUNT:-200}
WARM_N=${STREAMS_WARM_COUNT:-20000}
HTTP2=${STREAMS_HTTP2:-1}
BARE=${STREAMS_BARE:-1}
READER=${STREAMS_READER:-lazy}
case "$READER" in eager|lazy) ;; *) echo "STREAMS_READER must be eager or lazy" >&2; exit 2 ;; esac
# the bare hop runs on the gateway's transport (BareProxy knows auto, io_uring and epoll)
case "${TOKENGATE_TRANSPORT:-auto}" in nio) BARE_TRANSPORT=epoll ;; *) BARE_TRANSPORT=${TOKENGATE_TRANSPORT:-auto} ;; esac
TOOLS_TRANSPORT=${STREAMS_TOOLS_TRANSPORT:-io_uring}
case "$HTTP2" in 0) PROTO="HTTP/1.1" ;; 1) PROTO="HTTP/2 (h2c)" ;; *) echo "STREAMS_HTTP2 must be 0 or 1" >&2; exit 2 ;; esac

# every stream is a socket on the client and one in the gateway; upstream, one more over HTTP/1.1, one per 100 streams
# over HTTP/2: raise the descriptor limit as far as allowed, and skip the levels the gateway cannot hold under it
# (reported, not hidden)
fds_for() { if [ "$HTTP2" = 1 ]; then echo $(( $1 + $1 / 50 + 1024 )); else echo $(( $1 * 2 + 1024 )); fi; }
need=$(fds_for "$(printf '%s\n' $LEVELS | sort -n | tail -n1)")
[ "$(ulimit -n)" -ge "$need" ] || ulimit -n "$need" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
FD_LIMIT=$(ulimit -n)

work="$(mktemp -d "${TMPDIR:-/tmp}/tokengate-streams.XXXXXX")"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  [ "${failed:-1}" = 1 ] && for log in "$work"/*.log; do [ -f "$log" ] && { echo "--- $(basename "$log")" >&2; tail -n 15 "$log" >&2; }; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
say() { printf '[streams %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { say "error: $*"; exit 1; }
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() { local p=$1; while port_in_use "$p"; do p=$((p + 1)); done; echo "$p"; }
wait_ok() {
  local seconds=$1 name=$2 pid=$3; shift 3
  local deadline=$((SECONDS + seconds))
  until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$@" 2>/dev/null)" = 200 ]; do
    kill -0 "$pid" 2>/dev/null || die "$name exited during start-up"
    [ $SECONDS -lt $deadline ] || die "$name did not answer within ${seconds}s"
    sleep 0.2
  done
}

# the upstream and the hold load generator share the gateway's cores: C1 only (-XX:TieredStopAtLevel=1), because their
# own per-chunk Java is small and C2 compiling it cost them more CPU than it saved (docs/PERFORMANCE.md, "Session 8");
# one collector thread (SerialGC), as the gateway: ParallelGC's two threads cost several times the CPU on these shared
# cores (docs/PERFORMANCE.md, "Session 9: the collector")
# --enable-native-access: Netty's native transports load their libraries through restricted methods, which print a
# warning otherwise
NATIVE="--enable-native-access=ALL-UNNAMED"
TOOL_JVM="-XX:+UseSerialGC -Xmx1g -XX:TieredStopAtLevel=1 $NATIVE"

jar="$root/target/tokengate.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$root/src/main" "$root/pom.xml" -newer "$jar" -print -quit 2>/dev/null)" ]; then
  say "building target/tokengate.jar"
  mvn -q -B -DskipTests package >"$work/build.log" 2>&1 || die "build failed"
fi
cp "$jar" "$work/tokengate.jar"; jar="$work/tokengate.jar"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

UP_PORT=$(pick_port "${STREAMS_PORT:-18200}")
GW_PORT=$(pick_port $((UP_PORT + 1)))
say "starting the slow upstream on :$UP_PORT (a chunk every ${INTERVAL} ms for ${SECS} s)"
"$JAVA_HOME/bin/java" $TOOL_JVM $IO_URING_RINGS -Dbench.transport="$TOOLS_TRANSPORT" -cp "$jar" "$bench/upstream/SlowStreamUpstream.java" "$UP_PORT" "$INTERVAL" "$SECS" \
  >"$work/upstream.log" 2>&1 &
UP_PID=$!; pids+=("$UP_PID")

admin_key="bench-admin-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
cat >"$work/tokengate.yaml" <<YAML
server:
  host: 127.0.0.1
models:
  - name: bench-model
    owned_by: bench
    deployments:
      - provider: openai
        base_url: http://127.0.0.1:$UP_PORT/v1
        upstream_model: bench-model
        http2: $([ "$HTTP2" = 1 ] && echo true || echo false)
        api_key_env: BENCH_UPSTREAM_KEY
        price: {input_per_m: 0.25, output_per_m: 2.00}
rate_limits:
  tiers:
    user_go: {requests_per_minute: 100000000, tokens_per_minute: 100000000000, concurrent_requests: 100000}
YAML
say "starting Tokengate on :$GW_PORT, upstream over $PROTO ($TOKENGATE_JAVA_OPTS)"
# shellcheck disable=SC2086 # a list of options
TOKENGATE_ADMIN_KEY="$admin_key" BENCH_UPSTREAM_KEY=sk-bench-upstream \
  "$JAVA_HOME/bin/java" $TOKENGATE_JAVA_OPTS -jar "$jar" serve --host 127.0.0.1 --port "$GW_PORT" --data-dir "$work/data" \
  --config "$work/tokengate.yaml" >"$work/tokengate.log" 2>&1 &
GW_PID=$!; pids+=("$GW_PID")
wait_ok 120 Tokengate "$GW_PID" "http://127.0.0.1:$GW_PORT/ready"
until port_in_use "$UP_PORT"; do kill -0 "$UP_PID" || die "the upstream exited"; sleep 0.2; done
if [ "$BARE" = 1 ]; then
  BARE_PORT=$(pick_port $((GW_PORT + 1)))
  say "starting the bare hop (bench/proxy/BareProxy.java) on :$BARE_PORT, $BARE_TRANSPORT, upstream over $PROTO"
  # on the gateway's collector (bin/java-opts.sh, TOKENGATE_GC)
  "$JAVA_HOME/bin/java" "${gc_opts%% *}" -Xmx1g $NATIVE $IO_URING_RINGS -cp "$jar" "$bench/proxy/BareProxy.java" "$BARE_PORT" "$UP_PORT" \
    "$BARE_TRANSPORT" "$([ "$HTTP2" = 1 ] && echo h2c || echo http1)" >"$work/bare.log" 2>&1 &
  BARE_PID=$!; pids+=("$BARE_PID")
  until port_in_use "$BARE_PORT"; do kill -0 "$BARE_PID" || die "the bare hop exited"; sleep 0.2; done
fi

admin() { curl -sf --max-time 10 -H "Authorization: Bearer $admin_key" -H 'Content-Type: application/json' "$@"; }
user_id=$(admin -X POST -d '{"name":"bench","tier":"user_go"}' "http://127.0.0.1:$GW_PORT/admin/v1/users" | sed -n 's/^{"id":"\([^"]*\)".*/\1/p')
user_key=$(admin -X POST -d '{"name":"bench"}' "http://127.0.0.1:$GW_PORT/admin/v1/users/$user_id/keys" | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
[ -n "$user_key" ] || die "could not create the bench key"
admin -X POST -d '{"amount_usd":"100000","reason":"benchmark"}' "http://127.0.0.1:$GW_PORT/admin/v1/users/$user_id/balance/topup" >/dev/null

DIRECT="http://127.0.0.1:$UP_PORT/v1/chat/completions"
GW="http://127.0.0.1:$GW_PORT/v1/chat/completions"
# a probe run cannot hang the script: each one is bounded (at most 10 s per stream inside, and this cap outside)
sb() { timeout 600 "$JAVA_HOME/bin/java" -XX:+UseSerialGC -Xmx1g $NATIVE $IO_URING_RINGS -Dbench.transport="$TOOLS_TRANSPORT" -cp "$jar" "$bench/streams/StreamsBench.java" "$@"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
field() { sed -n "s/.* $1=\([0-9-]*\).*/\1/p" <<<"$2"; }
median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# the JIT needs many calls: after 2,000 warm-up streams the gateway's request path was still largely uncompiled and the
# added TTFT read +0.55 to +0.62 ms, after 20,000 +0.34 ms (docs/PERFORMANCE.md, "Session 10: time to first token")
say "warming Tokengate's streaming path ($WARM_N one-token streams one at a time)"
sb ttft "$GW" "$user_key" "$WARM_N" >/dev/null
BARE_URL="http://127.0.0.1:${BARE_PORT:-0}/v1/chat/completions"
[ "$BARE" = 1 ] && { say "warming the bare hop the same way"; sb ttft "$BARE_URL" sk-bench-upstream "$WARM_N" >/dev/null; }
d50=(); g50=(); d99=(); g99=()
for r in 1 2 3; do
  out=$(sb ttft "$DIRECT" sk-bench-upstream "$TTFT_N" | grep '^STREAMS'); d50+=("$(field ttft_p50_us "$out")"); d99+=("$(field ttft_p99_us "$out")")
  out=$(sb ttft "$GW" "$user_key" "$TTFT_N" | grep '^STREAMS'); g50+=("$(field ttft_p50_us "$out")"); g99+=("$(field ttft_p99_us "$out")")
  say "TTFT round $r: direct p50 ${d50[-1]} µs, Tokengate p50 ${g50[-1]} µs"
done
D50=$(printf '%s\n' "${d50[@]}" | median); G50=$(printf '%s\n' "${g50[@]}" | median)
D99=$(printf '%s\n' "${d99[@]}" | median); G99=$(printf '%s\n' "${g99[@]}" | median)

rows=()
# hold_level NAME URL KEY PID N: N concurrent streams through one target; adds a row of the report
hold_level() {
  local name=$1 url=$2 key=$3 pid=$4 n=$5 limit fd_peak=0 up_peak=0 load_level cpu_before up_before hold_pid hist_at fds ups cpu_s out rss chunks us_chunk up_us client_us
  limit=$(( n / RAMP + SECS + 60 ))
  load_level=$(cut -d' ' -f1 /proc/loadavg)
  cpu_before=$(cpu_ticks "$pid"); up_before=$(cpu_ticks "$UP_PID")
  say "$name: $n concurrent streams, $RAMP new a second (at most ${limit}s)"
  timeout $((limit + 30)) "$JAVA_HOME/bin/java" $TOOL_JVM $IO_URING_RINGS -Dbench.transport="$TOOLS_TRANSPORT" -Dbench.reader="$READER" \
    -cp "$jar" "$bench/streams/StreamsBench.java" hold "$url" "$key" "$n" "$RAMP" "$limit" >"$work/hold-$name-$n.out" 2>"$work/hold-$name-$n.log" &
  hold_pid=$!; pids+=("$hold_pid")
  hist_at=$((SECONDS + n / RAMP + 5)); [ "$pid" = "$GW_PID" ] || hist_at=0
  while kill -0 "$hold_pid" 2>/dev/null; do
    if [ -n "${STREAMS_HISTOGRAM_DIR:-}" ] && [ "$hist_at" -gt 0 ] && [ $SECONDS -ge "$hist_at" ]; then
      hist_at=0; mkdir -p "$STREAMS_HISTOGRAM_DIR"
      timeout 60 "$JAVA_HOME/bin/jcmd" "$pid" GC.class_histogram >"$STREAMS_HISTOGRAM_DIR/histogram-$n.txt" 2>&1 || true
      say "class histogram at $n streams: $STREAMS_HISTOGRAM_DIR/histogram-$n.txt"
    fi
    fds=$(ls "/proc/$pid/fd" 2>/dev/null | wc -l); [ "$fds" -gt "$fd_peak" ] && fd_peak=$fds
    ups=$(ss -tnpH state established "( dport = :$UP_PORT )" 2>/dev/null | grep -c "pid=$pid," || true); [ "$ups" -gt "$up_peak" ] && up_peak=$ups
    sleep 1
  done
  wait "$hold_pid" || true
  cpu_s=$(awk -v a="$cpu_before" -v b="$(cpu_ticks "$pid")" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", (b - a) / hz}')
  out=$(grep '^STREAMS' "$work/hold-$name-$n.out" || true)
  [ -n "$out" ] || { tail -n 20 "$work/hold-$name-$n.log" >&2; die "no result at $n streams ($name)"; }
  rss=$(awk '/^VmHWM:/ {printf "%.0f", $2 / 1024}' "/proc/$pid/status")
  # chunks relayed: role + one per interval + finish + usage, per completed stream
  chunks=$(( $(field completed "$out") * (SECS * 1000 / INTERVAL + 3) ))
  us_chunk=$(awk -v c="$cpu_s" -v k="$chunks" 'BEGIN {if (k > 0) printf "%.1f", c * 1e6 / k; else print "-"}')
  # the tools' own CPU per chunk (they compete with the hop for the same cores): the upstream's over the level, the
  # load generator's from its first stream on (it prints it)
  up_us=$(awk -v a="$up_before" -v b="$(cpu_ticks "$UP_PID")" -v hz="$(getconf CLK_TCK)" -v k="$chunks" 'BEGIN {if (k > 0) printf "%.1f", (b - a) / hz * 1e6 / k; else print "-"}')
  client_us=$(awk -v k="$chunks" '/^hold cpu_s=/ {split($2, a, "="); if (k > 0) printf "%.1f", a[2] * 1e6 / k}' "$work/hold-$name-$n.log")
  say "$name: $out fds=$fd_peak upstream_conns=$up_peak peak_rss_mb=$rss cpu_s=$cpu_s us_per_chunk=$us_chunk upstream_us_per_chunk=$up_us load_generator_us_per_chunk=${client_us:--} load=$load_level"
  rows+=("| $name | $n | $(field completed "$out") | $(field peak_concurrent "$out") | **$(field stalls "$out")** | $(field errors "$out") | $(field ttft_p50_ms "$out") ms | $(field ttft_p99_ms "$out") ms | $(field max_gap_p99_ms "$out") ms | $(field max_gap_max_ms "$out") ms | $fd_peak | $up_peak | $rss MB | $cpu_s s, $us_chunk µs | $up_us / ${client_us:--} µs | $load_level |")
}
for n in $LEVELS; do
  if [ "$(fds_for "$n")" -gt "$FD_LIMIT" ]; then
    say "skipping $n streams: the gateway would need about $(fds_for "$n") descriptors, ulimit -n is $FD_LIMIT"
    rows+=("| | $n | skipped: needs ~$(fds_for "$n") descriptors, ulimit -n is $FD_LIMIT | | | | | | | | | | | | | |")
    continue
  fi
  hold_level Tokengate "$GW" "$user_key" "$GW_PID" "$n"
  kill -0 "$GW_PID" 2>/dev/null || die "Tokengate died at $n streams"
  if [ "$BARE" = 1 ]; then
    hold_level "bare hop" "$BARE_URL" sk-bench-upstream "$BARE_PID" "$n"
    kill -0 "$BARE_PID" 2>/dev/null || die "the bare hop died at $n streams"
  fi
done

echo
echo "Command: \`bench/streams.sh\` (levels: $LEVELS; ramp $RAMP streams/s; gateway to upstream over $PROTO; upstream: a chunk every ${INTERVAL} ms for ${SECS} s;"
echo "gateway transport: ${TOKENGATE_TRANSPORT:-auto (server.transport)}; upstream on $TOOLS_TRANSPORT (where available); load generator: $READER reader$([ "$READER" = eager ] && echo " on $TOOLS_TRANSPORT");"
echo "gateway JVM options \`$TOKENGATE_JAVA_OPTS\`; ulimit -n $(ulimit -n)). Load average at the start $load_start, at the end $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo "Time to first byte of a stream, one at a time, $TTFT_N streams x 3 rounds, medians: direct p50 $(awk -v u="$D50" 'BEGIN {printf "%.3f", u / 1000}') ms,"
echo "Tokengate p50 $(awk -v u="$G50" 'BEGIN {printf "%.3f", u / 1000}') ms: **added $(awk -v a="$G50" -v b="$D50" 'BEGIN {printf "%+.3f", (a - b) / 1000}') ms at p50**,"
echo "$(awk -v a="$G99" -v b="$D99" 'BEGIN {printf "%+.3f", (a - b) / 1000}') ms at p99 (direct p99 $(awk -v u="$D99" 'BEGIN {printf "%.3f", u / 1000}') ms)."
echo
echo "| target | streams | completed | peak concurrent | stalls (>1 s) | errors | TTFT p50 | TTFT p99 | longest gap p99 | longest gap | fds | upstream conns | peak RSS | CPU per chunk | tools per chunk (upstream / load generator) | load |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
failed=0
