#!/usr/bin/env bash
# Soak (issue 8): SOAK_MINUTES (30) of mixed traffic at SOAK_RATE (4) requests per second against one gateway
# (SQLite, or PostgreSQL with SOAK_DB=postgresql://...), the simulated model answering after 50 ms: chat plain and
# streaming, synchronous jobs, message batches of 10, embeddings. Samples the gateway's RSS every 30 s; at the end
# checks zero unexpected errors (the client waits SOAK_DEADLINE, 300 s, for any answer), one usage record per request or
# item, balance change == sum of charges, and RSS flat over the second half (SOAK_MAX_SLOPE, 0.5 MiB/min). Exits
# non-zero when a check fails. The gateway runs with bin/tokengate's JVM options (bin/java-opts.sh).
set -euo pipefail
bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$bench/.." && pwd)"
. "$root/bin/java-home.sh"
. "$root/bin/java-opts.sh"
cd "$root"
[ -f target/tokengate.jar ] || mvn -q -B -DskipTests package
work=$(mktemp -d)
port=${SOAK_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
key="tg-admin-soak-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
cat > "$work/config.yaml" <<YAML
simulated: {ttft_ms: 50, tokens_per_second: 0}
jobs: {workers: 16}
YAML
# the gateway runs from a copy, so a rebuild meanwhile cannot pull the jar from under it; SOAK_CLASSES (a copy of
# target/classes) goes first on the class path, to soak uncommitted or unpackaged code
cp target/tokengate.jar "$work/gw.jar"
db_args=()
[ -n "${SOAK_DB:-}" ] && db_args=(--db "$SOAK_DB")
# shellcheck disable=SC2086 # a list of options
TOKENGATE_ADMIN_KEY="$key" TOKENGATE_LOG_LEVEL="warn" "$JAVA_HOME/bin/java" $TOKENGATE_JAVA_OPTS -cp "${SOAK_CLASSES:+$SOAK_CLASSES:}$work/gw.jar" dev.tokengate.app.Main serve \
  --host 127.0.0.1 --port "$port" --data-dir "$work/data" --config "$work/config.yaml" "${db_args[@]}" > "$work/gateway.log" 2>&1 &
gw=$!
cleanup() { kill "$gw" 2>/dev/null; wait "$gw" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break; sleep 0.5; done
echo "| measure | value |"
echo "| --- | --- |"
echo "| JVM options | \`$TOKENGATE_JAVA_OPTS\` |"
rc=0
python3 "$bench/soak.py" "http://127.0.0.1:$port" "$key" "$gw" "${SOAK_MINUTES:-30}" "${SOAK_RATE:-4}" || rc=$?
echo "gateway log lines at warn or above: $(grep -c '"level":"\(WARN\|ERROR\)"' "$work/gateway.log" || true)"
grep '"level":"ERROR"' "$work/gateway.log" | head -5 || true
# what the warnings said, most frequent first (the log goes with the work directory)
grep '"level":"WARN"' "$work/gateway.log" | sed -n 's/.*"logger":"\([^"]*\)".*"message":"\([^"]\{0,160\}\).*/\1: \2/p' \
  | sort | uniq -c | sort -rn | head -8 || true
trap - EXIT
cleanup
exit $rc
