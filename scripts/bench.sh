#!/usr/bin/env bash
# The benchmark harness: builds distexec if needed, then measures it on this machine with local
# clusters on free loopback ports (embedded store, shipped defaults). Prints one line per figure and
# writes them all to target/bench/results.json.
#
#   scripts/bench.sh                          every part at full size (about 20 minutes on 2 cores)
#   scripts/bench.sh --parts baseline,latency only some parts
#   scripts/bench.sh --jobs 2000 --queue-depth 100000   smaller runs
#   scripts/bench.sh --help                   every option
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR=$ROOT/bench/target/distexec-bench.jar
if [ ! -f "$JAR" ] || [ ! -x "$ROOT/target/liberty/wlp/bin/server" ] || [ ! -f "$ROOT/master-war/target/distexec-master.war" ]; then
  echo "building distexec (first run: a few minutes)..." >&2
  (cd "$ROOT" && ./mvnw -q -B install -DskipTests) || { echo "build failed; run ./mvnw install -DskipTests" >&2; exit 1; }
fi
cd "$ROOT"
exec java ${BENCH_JAVA_OPTS:-} -jar "$JAR" --root "$ROOT" "$@"
