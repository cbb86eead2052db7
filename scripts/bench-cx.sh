#!/usr/bin/env bash
# CX timeline benchmark (issue 5): append cost and a naive aggregate (docs/cx-metrics.md).
#
#   scripts/bench-cx.sh [--interactions N] [--profiles M] [--threads T] [--flush]
#
# Creates M profiles, appends N random interactions over them from T threads against a real Redis (its
# own redis-server, or REDIS_URL, which is flushed first and therefore only used with --flush), and
# prints interactions/s, µs and Redis commands per append, and the time of an NPS over all profiles.
# Compiles core's main and test classes first (test-compile, never install: the shared ~/.m2 stays
# untouched). Environment: MVN_ARGS (e.g. -o), JAVA_OPTS, SKIP_BUILD=1 to run what is compiled.
set -euo pipefail
# shellcheck source=lib/bench-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/bench-common.sh"

if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 0
fi

if [[ -z "${SKIP_BUILD:-}" ]]; then
  bench_log "compiling core: ./mvnw -q -B ${MVN_ARGS:-} -pl core test-compile"
  # shellcheck disable=SC2086 # MVN_ARGS is a list of flags
  (cd "$BENCH_ROOT" && ./mvnw -q -B ${MVN_ARGS:-} -pl core test-compile) >&2
fi
bench_classpath
bench_java dev.tessera.core.bench.CxBenchmark "$@"
