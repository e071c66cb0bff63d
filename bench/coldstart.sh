#!/usr/bin/env bash
# Cold start: time from launching `java -jar tokengate.jar serve` (SQLite in a fresh temp data dir, default config) to the
# first 200 on /ready, median of COLDSTART_RUNS (5). Uses bin/tokengate's JVM options (TOKENGATE_JAVA_OPTS overrides).
# Adds bin/tokengate's start-up cache options (TOKENGATE_CDS_OPTS, bin/java-opts.sh: the JDK 25 ahead-of-time cache, or
# AppCDS before 25): run 0 writes the cache when there is none newer than the jar, and is reported apart.
# Each run starts a new process with an empty data dir (so the Flyway migrations run every time) and stops it.
set -euo pipefail
bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$bench/.." && pwd)"
. "$root/bin/java-home.sh"
cds_given=${TOKENGATE_CDS_OPTS+set}
. "$root/bin/java-opts.sh"
RUNS=${COLDSTART_RUNS:-5}
jar="$root/target/tokengate.jar"
[ -f "$jar" ] || (cd "$root" && mvn -q -B -DskipTests package)
work="$(mktemp -d "${TMPDIR:-/tmp}/tokengate-coldstart.XXXXXX")"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=18300; while port_in_use "$port"; do port=$((port + 1)); done
times=()
for r in $(seq 0 "$RUNS"); do   # run 0 is not counted: it writes the CDS archive when there is none
  rm -rf "$work/data"
  t0=$(date +%s%N)
  # shellcheck disable=SC2086 # a list of options
  TOKENGATE_ADMIN_KEY=coldstart-admin-key-0123456789 "$JAVA_HOME/bin/java" $TOKENGATE_JAVA_OPTS $TOKENGATE_CDS_OPTS -jar "$jar" serve \
    --host 127.0.0.1 --port "$port" --data-dir "$work/data" >"$work/run$r.log" 2>&1 &
  pid=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$port/ready" 2>/dev/null)" = 200 ]; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/run$r.log" >&2; echo "coldstart: the gateway exited" >&2; exit 1; }
    [ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 60000 ] || { echo "coldstart: no /ready within 60 s" >&2; exit 1; }
    sleep 0.01
  done
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  [ "$r" = 0 ] && first=$ms || times+=("$ms")
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  echo "run $r: ${ms} ms" >&2
  # the options may change once run 0 has written the cache (a training run, then runs that use its cache)
  [ -n "$cds_given" ] || { unset TOKENGATE_CDS_OPTS; . "$root/bin/java-opts.sh"; }
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')
echo "cold start to /ready: median ${median} ms over $RUNS runs (${times[*]} ms; run 0, not counted: $first ms); JVM options: $TOKENGATE_JAVA_OPTS $TOKENGATE_CDS_OPTS; load average $(cut -d' ' -f1-3 /proc/loadavg)"
