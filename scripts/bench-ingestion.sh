#!/usr/bin/env bash
# End-to-end CSV ingestion benchmark (docs/benchmarks.md, "Ingestion").
#
#   scripts/bench-ingestion.sh --rows N [--seed S] [--duplicates RATE]
#
# Generates a CRM CSV of N rows (scripts/generate-crm-csv.sh, cached in target/bench/), starts a
# private redis-server and measures it (redis-benchmark -q -t set -P 16), starts the packaged ingestion
# app (ingestion/target/*-exec.jar) with a folder source on a fresh inbox, drops the file in (rename,
# so it appears whole) and times until the file is in .done: every row resolved into Redis or
# dead-lettered. Progress from GET /api/v1/sources/crm every 15 s. The last line is
#   rows=N seconds=X rows_per_s=X redis_set_per_s=X
# Builds core and ingestion first when needed (package only, never install).
set -euo pipefail
# shellcheck source=lib/ingestion-bench.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/ingestion-bench.sh"

ROWS=""
SEED=42
DUPLICATES=0.1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rows) ROWS="$2"; shift 2 ;;
    --seed) SEED="$2"; shift 2 ;;
    --duplicates) DUPLICATES="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ -n "$ROWS" ]] || { echo "--rows is required (see --help)" >&2; exit 2; }
trap ib_cleanup EXIT

ib_build
mkdir -p "$BENCH_TARGET"
CSV="$BENCH_TARGET/crm-$ROWS-s$SEED-d$DUPLICATES.csv"
if [[ ! -s "$CSV" || "$CSV" -ot "$BENCH_ROOT/ingestion/target/test-classes/dev/tessera/ingestion/bench/CrmCsvGenerator.class" ]]; then
  ib_tool dev.tessera.ingestion.bench.CrmCsvGenerator --rows "$ROWS" --out "$CSV" --seed "$SEED" --duplicates "$DUPLICATES"
fi

ib_redis_start
bench_log "machine: $(ib_machine)"
SET_RATE="$(ib_redis_set_rate)"
bench_log "redis-benchmark -q -t set -P 16 -n 200000: SET $SET_RATE requests/s"

INBOX="$BENCH_TARGET/ingestion-inbox"
rm -rf "$INBOX"
mkdir -p "$INBOX"
# The app refuses to start without a Keycloak issuer; the benchmark runs it in dev security mode (a
# local signing key in the private Redis directory, guarded by the test profile; the jar holds no
# application-test.yml, so nothing else changes) and reads the status with a dev token.
KEY="$IB_REDIS_DIR/dev-signing-key.jwk"
ib_app_start --spring.profiles.active=test --tessera.security.mode=dev --tessera.security.dev.key-location="$KEY" \
  --tessera.sources[0].name=crm --tessera.sources[0].kind=crm \
  --tessera.sources[0].folder.inbox="$INBOX" --tessera.sources[0].folder.poll-delay=200ms \
  --tessera.sources[0].mapping.source-id=contact_id \
  --tessera.sources[0].mapping.email=email --tessera.sources[0].mapping.phone=phone \
  --tessera.sources[0].mapping.observed-at=updated_at \
  --tessera.sources[0].mapping.attributes.first_name=first_name \
  --tessera.sources[0].mapping.attributes.last_name=last_name \
  --tessera.sources[0].mapping.attributes.city=city \
  --tessera.sources[0].mapping.attributes.country=country \
  --tessera.sources[0].mapping.attributes.company=company

TOKEN="$("$(ib_java)" -Dloader.main=dev.tessera.security.DevTokenCommand -cp "$IB_JAR" \
  org.springframework.boot.loader.launch.PropertiesLauncher "$KEY" cdp-integrator 2>/dev/null || true)"
status() {
  curl -fsS -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$IB_APP_PORT/api/v1/sources/crm" 2>/dev/null || echo '{}'
}
field() { # FIELD JSON: a number from the status JSON, without jq
  sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" <<<"$2" | head -n 1
}

cp "$CSV" "$INBOX/.crm.csv.tmp"
START_NS=$(date +%s%N)
mv "$INBOX/.crm.csv.tmp" "$INBOX/crm.csv"
last_report=$SECONDS
until compgen -G "$INBOX/.done/*" >/dev/null || compgen -G "$INBOX/.failed/*" >/dev/null; do
  if ! kill -0 "$IB_APP_PID" 2>/dev/null; then
    bench_log "the ingestion app died (log: $IB_APP_LOG)"
    exit 1
  fi
  if (( SECONDS - last_report >= 15 )); then
    s="$(status)"
    elapsed=$(( ($(date +%s%N) - START_NS) / 1000000000 ))
    bench_log "after ${elapsed} s: $(field "done" "$s") of $(field total "$s") rows"
    last_report=$SECONDS
  fi
  sleep 0.2
done
END_NS=$(date +%s%N)
if compgen -G "$INBOX/.failed/*" >/dev/null; then
  bench_log "the file was rejected as a whole (see $IB_APP_LOG)"
  exit 1
fi
s="$(status)"
bench_log "source status: received=$(field received "$s") stored=$(field stored "$s") rejected=$(field rejected "$s")"
awk -v rows="$ROWS" -v ns=$(( END_NS - START_NS )) -v set="$SET_RATE" \
  'BEGIN {s = ns / 1e9; printf "rows=%d seconds=%.1f rows_per_s=%.0f redis_set_per_s=%s\n", rows, s, rows / s, set}'
