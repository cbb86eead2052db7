#!/usr/bin/env bash
# Webhook load benchmark (docs/benchmarks.md, "Ingestion").
#
#   scripts/bench-webhook.sh --rate R[,R2...] --seconds S [--warmup S]
#                            [--url URL --secret-file FILE]
#
# Posts signed Shopify orders/create webhooks (HMAC-SHA256, base64, over the body) at a fixed request
# rate (open model: requests leave on schedule whether or not earlier ones are answered), each a new
# order of a new customer, and reports achieved requests/s and p50/p99/max latency from a request's
# scheduled send to its 200, which the app sends after the payload is stored. Without --url it starts
# a private redis-server (measured with redis-benchmark -q -t set -P 16) and the packaged ingestion app
# with a webhook source `shopify` whose secret is a file; with --url it loads a running app whose
# source verifies with the secret in --secret-file. One line per rate:
#   rate=R requests=N ok=N errors=N achieved_rps=X p50_ms=X p99_ms=X max_ms=X redis_set_per_s=X
# Before each rate, --warmup seconds (not measured) at half that rate, at least 50/s. The app's JIT keeps
# compiling for about two minutes under load (its CPU per request halves meanwhile): use --warmup 150 or
# more for steady-state numbers.
# Builds core and ingestion first when needed (package only, never install).
set -euo pipefail
# shellcheck source=lib/ingestion-bench.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/ingestion-bench.sh"

RATES=""
SECONDS_PER_RATE=30
WARMUP=5
URL=""
SECRET_FILE=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rate) RATES="$2"; shift 2 ;;
    --seconds) SECONDS_PER_RATE="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --url) URL="$2"; shift 2 ;;
    --secret-file) SECRET_FILE="$2"; shift 2 ;;
    -h|--help) sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ -n "$RATES" ]] || { echo "--rate is required (see --help)" >&2; exit 2; }
if [[ -n "$URL" && -z "$SECRET_FILE" ]]; then
  echo "--url needs --secret-file (the source's signing secret)" >&2
  exit 2
fi
trap ib_cleanup EXIT

ib_build
SET_RATE="n/a"
if [[ -z "$URL" ]]; then
  ib_redis_start
  bench_log "machine: $(ib_machine)"
  SET_RATE="$(ib_redis_set_rate)"
  bench_log "redis-benchmark -q -t set -P 16 -n 200000: SET $SET_RATE requests/s"
  SECRET_FILE="$IB_REDIS_DIR/shopify-secret"
  head -c 32 /dev/urandom | base64 >"$SECRET_FILE"
  chmod 600 "$SECRET_FILE"
  # dev security mode, as in bench-ingestion.sh: the app refuses to start without a Keycloak issuer, and
  # webhooks do not use tokens anyway (the dev key sits in the private Redis directory)
  ib_app_start --spring.profiles.active=test --tessera.security.mode=dev \
    --tessera.security.dev.key-location="$IB_REDIS_DIR/dev-signing-key.jwk" \
    --tessera.sources[0].name=shopify --tessera.sources[0].kind=shop \
    --tessera.sources[0].transport=webhook --tessera.sources[0].format=shopify-order \
    --tessera.sources[0].webhook.signature.scheme=shopify \
    --tessera.sources[0].webhook.signature.secret="file:$SECRET_FILE"
  URL="http://127.0.0.1:$IB_APP_PORT/webhooks/shopify"
else
  bench_log "machine: $(ib_machine)"
fi

RUN_ID=$(( $(date +%s) % 100000 ))
IFS=',' read -r -a RATE_LIST <<<"$RATES"
for rate in "${RATE_LIST[@]}"; do
  bench_log "rate $rate req/s for $SECONDS_PER_RATE s (warm-up $WARMUP s) against $URL"
  line="$(ib_tool dev.tessera.ingestion.bench.WebhookLoad --url "$URL" --secret-file "$SECRET_FILE" \
            --rate "$rate" --seconds "$SECONDS_PER_RATE" --warmup "$WARMUP" --run-id "$RUN_ID" | tail -n 1)"
  RUN_ID=$(( RUN_ID + 1 ))
  echo "rate=$rate $line redis_set_per_s=$SET_RATE"
done
