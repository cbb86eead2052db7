#!/usr/bin/env bash
# Estimates a match model (m, u and lambda of every field) from unlabelled data with EM (docs/identity-model.md).
#
#   scripts/estimate-model.sh --out FILE [--redis URL | --input CANONICAL_CSV] [--sample N] [--seed S]
#                             [--phone-region CC] [--cluster]
#
# Reads the records stored in Redis (--redis, else REDIS_URL, else redis://localhost:6379; read only:
# SCAN for {p:*}:records and HVALS, nothing is written) or a canonical CSV (--input; the benchmark
# format, extra columns ignored; --phone-region for numbers without a country code, default GB). Uses at
# most N records (default 20000), chosen deterministically by the seed (default 1). Writes the model
# JSON to --out and prints counts, lambda and each field's EXACT/DIFFERENT m/u/weight (no personal
# data). Use the file with tessera.identity.model=FILE. Exit codes: 0 done, 1 failed, 2 usage error.
# Builds core first when needed.
set -euo pipefail
# shellcheck source=lib/bench-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/bench-common.sh"

if [[ $# -eq 0 || "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit $(( $# == 0 ? 2 : 0 ))
fi

bench_build
bench_classpath
bench_java dev.tessera.core.identity.match.EstimateModelCommand "$@"
