#!/usr/bin/env bash
# bench/ledger/run.sh JAR BATCH ROUNDS [N]: the ledger writer's CPU per usage row (JdbcLedgerStore.settle on SQLite, one
# user and key, BATCH settlements a transaction, ROUNDS transactions after as many of warm-up), N runs on a fresh file
# each; prints the N results sorted. Interleave two jars' runs to compare them on a shared machine.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/../../bin/java-home.sh"
db=$(mktemp -d)/ledger.db
for i in $(seq "${4:-3}"); do
  rm -f "$db"*
  "$JAVA_HOME/bin/java" -cp "$1" "$here/LedgerBench.java" "$db" "$2" "$3" 2>&1 | sed -n 's/^pass 1 .*cpu \([0-9.]*\).*/\1/p'
done | sort -n | tr '\n' ' '
echo
rm -rf "$(dirname "$db")"
