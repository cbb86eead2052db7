#!/usr/bin/env bash
# CX timeline and aggregates benchmark (issue 5): append cost with the dashboard buckets on, and the
# time of aggregate queries (docs/benchmarks.md, "CX timeline and aggregates").
#
#   scripts/bench-cx.sh [--interactions N] [--profiles M] [--threads T] [--time-order | --live] [--batch B] [--segments S] [--stage-pass] [--flush]
#
# Creates M profiles, appends N random interactions over them through CxStore.append from T threads
# (in random time order, the costly path for stage history; --time-order sorts each thread's share by time;
# --batch B hands B interactions at a time to CxStore.appendAll, as the ingestion routes do)
# against a real Redis (a private redis-server started here, or REDIS_URL, which is flushed first and
# therefore only used with --flush), and prints interactions/s, µs and Redis commands per append, and
# the time of typical dashboard queries; with --segments S, creates S segments and times their builds, the
# change-feed evaluation of every segment per profile, and a segment CX report; with --stage-pass, times the
# scheduled journey-stage pass over every profile (advanceStage, twice, and refresh). First prints the machine: nproc, redis-server --version and
# redis-benchmark -q -t set -P 16 against the same server. Compiles core's main and test classes first
# (test-compile, never install: the shared ~/.m2 stays untouched). Environment: MVN_ARGS (e.g. -o),
# JAVA_OPTS, SKIP_BUILD=1 to run what is compiled.
set -euo pipefail
# shellcheck source=lib/bench-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/bench-common.sh"

if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 0
fi

if [[ -z "${SKIP_BUILD:-}" ]]; then
  bench_log "compiling core: ./mvnw -q -B ${MVN_ARGS:-} -pl core test-compile"
  # shellcheck disable=SC2086 # MVN_ARGS is a list of flags
  (cd "$BENCH_ROOT" && ./mvnw -q -B ${MVN_ARGS:-} -pl core test-compile) >&2
fi
bench_classpath

ARGS=("$@")
if [[ -z "${REDIS_URL:-}" ]] && command -v redis-server >/dev/null; then
  port=$(( 20000 + RANDOM % 20000 ))
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$(( port + 1 )); done
  REDIS_DIR="$(mktemp -d "${TMPDIR:-/tmp}/tessera-bench-cx-XXXXXX")"
  redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no --daemonize yes \
    --pidfile "$REDIS_DIR/redis.pid" --dir "$REDIS_DIR" --logfile "$REDIS_DIR/redis.log" >/dev/null
  # stop exactly the server started here, by its pid file
  trap 'kill "$(cat "$REDIS_DIR/redis.pid" 2>/dev/null)" 2>/dev/null || true; rm -rf "$REDIS_DIR"' EXIT
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.05
  done
  export REDIS_URL="redis://127.0.0.1:$port"
  ARGS+=(--flush) # our own server
fi

echo "machine: nproc=$(nproc) $(redis-server --version 2>/dev/null | awk '{print $1, $2, $3}' || echo 'redis-server n/a')"
if command -v redis-benchmark >/dev/null && [[ "${REDIS_URL:-}" =~ ^redis://([^:/@]+):([0-9]+)/?$ ]]; then
  rate="$(redis-benchmark -h "${BASH_REMATCH[1]}" -p "${BASH_REMATCH[2]}" -q -t set -P 16 -n 200000 2>/dev/null \
    | tr '\r' '\n' | awk '/^SET: [0-9.]+ requests per second/ {r = $2} END {print (r == "" ? "n/a" : r)}')"
  echo "redis-benchmark -q -t set -P 16 -n 200000: SET ${rate}/s"
else
  echo "redis-benchmark: not measured (not installed, or REDIS_URL has credentials or a database)"
fi
bench_java dev.tessera.core.bench.CxBenchmark "${ARGS[@]}"
