#!/usr/bin/env bash
# Batch re-resolution of every stored record with new identity settings (docs/re-resolution.md).
#
#   scripts/re-resolve.sh [--redis URL] [--cluster] [--policy exact|probabilistic]
#                         [--link-weight W] [--veto-weight W] [--model FILE] [--max-block N]
#                         [--survivorship-default RULE] [--survivorship ATTRIBUTE=RULE]...
#                         [--source-priority SOURCE,SOURCE...] [--apply]
#
# Without --apply: a dry run. Every record is resolved again with the given settings in a scratch
# namespace of the same Redis (rr:RUN:..., deleted at the end); the live data is only read. Prints how
# many live profiles would stay unchanged, merge, split, or both, with example profile ids.
# With --apply: the live profiles that change are dissolved and their records resolved again; prints
# what changed. Pass the settings the apps run with (tessera.identity); unset ones take the defaults.
# Redis: --redis, else REDIS_URL, else redis://localhost:6379. Builds core first when needed.
set -euo pipefail
# shellcheck source=lib/bench-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/bench-common.sh"

if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 0
fi

bench_build
bench_classpath
bench_java dev.tessera.core.identity.ReResolveCommand "$@"
