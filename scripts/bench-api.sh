#!/usr/bin/env bash
# Profile API benchmark (docs/benchmarks.md, "Profile API"): requests/s and latency of profile by id and
# search by email, with JWT validation on, loaded by wrk over loopback.
#
#   scripts/bench-api.sh [--profiles N] [--connections C1,C2,...] [--seconds S] [--threads T] [--warmup S]
#                        [--verify-every-request]
#
# Starts a private redis-server (and measures it with redis-benchmark -q -t set -P 16), seeds N
# customers (two source records each, linked by email), starts the packaged profile service in dev
# security mode (the demo profile: RS256 tokens checked for issuer, audience and expiry on every request
# exactly as in keycloak mode, the signature once per token and minute as in keycloak mode
# (tessera.security.verified-token-ttl), or on every request with --verify-every-request; only the
# trusted key comes from a local file instead of Keycloak's JWK set, which the services cache anyway),
# mints an agent token, and runs wrk for each connection count (closed model: C connections each with
# one request in flight) for both endpoints.
# One line per run:
#   endpoint=E connections=C requests=N non2xx=N socket_errors=N rps=X p50_ms=X p90_ms=X p99_ms=X max_ms=X
# Needs wrk (apt-get install wrk). Builds what is missing (package and core's install, as the other
# benchmarks do).
set -euo pipefail
# shellcheck source=lib/ingestion-bench.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/ingestion-bench.sh"

PROFILES=10000
CONNECTIONS="4,8,16,64"
WARMUP_SECONDS=60
TOKEN_TTL=60s
SECONDS_PER_RUN=20
THREADS=2
while [[ $# -gt 0 ]]; do
  case "$1" in
    --profiles) PROFILES="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --seconds) SECONDS_PER_RUN="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --warmup) WARMUP_SECONDS="$2"; shift 2 ;;
    --verify-every-request) TOKEN_TTL=0s; shift ;;
    -h|--help) sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 2; }
trap ib_cleanup EXIT

# the profile service's exec jar, and core's classes for the seeder
API_JAR="$(find "$BENCH_ROOT/profile-service/target" -maxdepth 1 -name 'tessera-profile-service-*-exec.jar' 2>/dev/null | head -n 1 || true)"
if [[ -z "$API_JAR" || -n "$(find "$BENCH_ROOT/core/src" "$BENCH_ROOT/security/src" "$BENCH_ROOT/profile-service/src" \
        "$BENCH_ROOT/pom.xml" -newer "$API_JAR" -print -quit)" ]]; then
  bench_log "building the profile service: ./mvnw -q -B ${MVN_ARGS:-} -pl profile-service -am package -DskipTests"
  # shellcheck disable=SC2086 # MVN_ARGS is a list of flags
  (cd "$BENCH_ROOT" && ./mvnw -q -B ${MVN_ARGS:-} -pl profile-service -am package -DskipTests) >&2
  API_JAR="$(find "$BENCH_ROOT/profile-service/target" -maxdepth 1 -name 'tessera-profile-service-*-exec.jar' | head -n 1)"
  touch "$API_JAR"
fi
bench_build
bench_classpath

ib_redis_start
bench_log "machine: $(ib_machine)"
SET_RATE="$(ib_redis_set_rate)"
bench_log "redis-benchmark -q -t set -P 16 -n 200000: SET $SET_RATE requests/s"

DATA="$IB_REDIS_DIR/data"
bench_java dev.tessera.core.bench.SeedProfiles "redis://127.0.0.1:$IB_REDIS_PORT" "$PROFILES" "$DATA"

KEY="$IB_REDIS_DIR/dev-signing-key.jwk"
IB_JAR="$API_JAR"
IB_APP_NAME=profile-service
ib_app_start --spring.profiles.active=demo --tessera.security.dev.key-location="$KEY" \
  --logging.level.root=WARN --tessera.rate-limit.search=1000000000 --tessera.rate-limit.profile-reads=1000000000 \
  --tessera.security.verified-token-ttl="$TOKEN_TTL" --tessera.segments.refresh-every=1h
# Measure the steady state, not the app's start-up work: the demo profile creates its segments and
# builds them over every profile (refreshed hourly here, not every 5 minutes as in the demo), and the
# change-feed consumers (name index, segments) work through what the seeding left. Wait until every
# segment is built, every consumer group has been handed the stream's last entry and nothing is pending.
caught_up() {
  local statuses
  statuses="$(redis-cli -p "$IB_REDIS_PORT" --raw hvals '{seg}:status')"
  [[ -n "$statuses" ]] && ! grep -qv '"state":"ready"' <<<"$statuses" || return 1
  local last groups
  last="$(redis-cli -p "$IB_REDIS_PORT" --raw xinfo stream tessera:changes | awk 'prev=="last-generated-id" {print; exit} {prev=$0}')"
  groups="$(redis-cli -p "$IB_REDIS_PORT" --raw xinfo groups tessera:changes)"
  [[ -n "$groups" ]] || return 1
  awk -v last="$last" '
    prev=="pending" && $0!="0" {bad=1}
    prev=="last-delivered-id" && $0!=last {bad=1}
    {prev=$0}
    END {exit bad}' <<<"$groups"
}
waited=0
until caught_up; do
  (( waited < 600 )) || { bench_log "the change-feed consumers did not catch up in 600 s"; exit 1; }
  sleep 2; waited=$(( waited + 2 ))
done
bench_log "segments built and change-feed consumers caught up after ${waited}s"
TOKEN="$("$(ib_java)" -Dloader.main=dev.tessera.security.DevTokenCommand -cp "$API_JAR" \
  org.springframework.boot.loader.launch.PropertiesLauncher "$KEY" cdp-agent)"
BASE="http://127.0.0.1:$IB_APP_PORT"
first_id="$(head -n 1 "$DATA/profile-ids.txt")"
status="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/profiles/$first_id")"
[[ "$status" == 200 ]] || { bench_log "a profile read answered $status, not 200"; exit 1; }

# warm-up: let the JIT compile the request path before measuring. On two busy cores C2 was still
# compiling a minute into the load (perf: 3.5 % of the app's CPU), and runs after a 15 s warm-up measured
# mostly the compiler; WARMUP_SECONDS (default 60) of profile reads, then a quarter of it of searches.
bench_log "warming up for ${WARMUP_SECONDS}s + $(( WARMUP_SECONDS / 4 ))s"
WRK_LIST="$DATA/profile-ids.txt" WRK_MODE=id WRK_TOKEN="$TOKEN" \
  wrk -t"$THREADS" -c16 -d"${WARMUP_SECONDS}s" -s "$BENCH_ROOT/scripts/lib/wrk-api.lua" "$BASE" >/dev/null
WRK_LIST="$DATA/emails.txt" WRK_MODE=email WRK_TOKEN="$TOKEN" \
  wrk -t"$THREADS" -c16 -d"$(( WARMUP_SECONDS / 4 ))s" -s "$BENCH_ROOT/scripts/lib/wrk-api.lua" "$BASE" >/dev/null

IFS=',' read -r -a counts <<<"$CONNECTIONS"
for endpoint in profile-by-id search-by-email; do
  if [[ "$endpoint" == profile-by-id ]]; then list="$DATA/profile-ids.txt"; mode=id; else list="$DATA/emails.txt"; mode=email; fi
  for c in "${counts[@]}"; do
    threads="$THREADS"
    (( c < threads )) && threads="$c"
    line="$(WRK_LIST="$list" WRK_MODE="$mode" WRK_TOKEN="$TOKEN" \
      wrk -t"$threads" -c"$c" -d"${SECONDS_PER_RUN}s" -s "$BENCH_ROOT/scripts/lib/wrk-api.lua" "$BASE" | tail -n 1)"
    echo "endpoint=$endpoint connections=$c $line redis_set_per_s=$SET_RATE verified_token_ttl=$TOKEN_TTL"
  done
done
