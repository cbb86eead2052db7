#!/usr/bin/env bash
# Identity-resolution benchmark on one canonical CSV (docs/benchmarks.md).
#
#   scripts/bench-identity.sh --input FILE --out FILE [--truth-column NAME] [--threads N]
#                             [--batch N] [--phone-region CC] [--warmup N] [--flush] [--shared-store]
#                             [--shuffle SEED]
#
# Resolves every record through the production resolver against a real Redis: its own (redis-server
# from PATH, else the binary bundled with embedded-redis; started, flushed and stopped by the run), or
# the one at REDIS_URL, which is flushed first and therefore only used when --flush is given. Writes
# record_id,profile_id to --out. The last line of output is
#   precision=P recall=R f1=F records_per_s=X
# (pairwise, from the truth column; NA without one). With --batch N each thread resolves N consecutive
# records per call (ProfileResolver.resolveAll). With --shared-store the threads share one connection and
# one resolver (one store and its cache of decoded profiles), as the apps wire them; otherwise each thread
# has its own, as separate processes would. --shuffle SEED resolves the records in an order fixed by the
# seed instead of the file's (an incremental resolver's result depends on arrival order somewhat: this
# shows how much). Builds core first when needed.
set -euo pipefail
# shellcheck source=lib/bench-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/bench-common.sh"

if [[ $# -eq 0 || "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit $(( $# == 0 ? 2 : 0 ))
fi

bench_build
bench_classpath
bench_java dev.tessera.core.bench.IdentityBenchmark "$@"
