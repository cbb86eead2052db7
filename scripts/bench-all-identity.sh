#!/usr/bin/env bash
# Runs the identity-resolution benchmark on every data set in ../shared/data (docs/benchmarks.md).
#
#   scripts/bench-all-identity.sh [--threads N] [--batch N] [--warmup N] [--data DIR] [--flush]
#
# 0. builds core once when needed and runs every data set on a copy of those classes;
# 1. converts Febrl 1, 2, 3, 4 (4a+4b as sources a/b) and Splink fake_1000 into target/bench/*.csv, and
#    with python3 generates world-s1 and world-s2 (scripts/generate-world-people.py, 5,000 people each,
#    seeds 1 and 2: data the matcher was not tuned on, truth column `person`);
# 2. starts a private redis-server (when REDIS_URL is not set; REDIS_URL is used, and flushed, only
#    with --flush);
# 3. per data set: redis-benchmark -q -t set -P 16 -n 200000 against that Redis (when installed), then
#    scripts/bench-identity.sh with the set's truth column;
# 4. prints a Markdown table (also written to target/bench/results.md). Logs: target/bench/*.log.
set -euo pipefail
# shellcheck source=lib/bench-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/bench-common.sh"

THREADS=1
WARMUP=0
BATCH=1
DATA="$BENCH_ROOT/../shared/data"
FLUSH_CONFIRMED=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads) THREADS="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --batch) BATCH="$2"; shift 2 ;;
    --data) DATA="$2"; shift 2 ;;
    --flush) FLUSH_CONFIRMED=true; shift ;;
    -h|--help) sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
if [[ -n "${REDIS_URL:-}" && "$FLUSH_CONFIRMED" != true ]]; then
  echo "REDIS_URL is set: every run deletes all keys of that database first. Pass --flush to confirm," >&2
  echo "or unset REDIS_URL to let the benchmark start its own Redis." >&2
  exit 2
fi
DATA="$(cd "$DATA" && pwd)"
mkdir -p "$BENCH_TARGET"

bench_build
bench_classpath
BUILD_ID="$(bench_build_id)"
bench_snapshot
bench_log "measuring core as built from $BUILD_ID (classes copied to target/bench/classes)"

# --- 1. convert -------------------------------------------------------------------------------
declare -a SETS=()
declare -A TRUTH=()
convert() { # NAME MAIN ARGS...
  local name="$1" main="$2"
  shift 2
  bench_log "converting $name"
  bench_java "dev.tessera.core.bench.$main" --out "$BENCH_TARGET/$name.csv" "$@"
  SETS+=("$name")
  TRUTH[$name]=cluster
}
for n in 1 2 3; do
  if [[ -f "$DATA/febrl/dataset$n.csv" ]]; then
    convert "febrl$n" FebrlConverter "$DATA/febrl/dataset$n.csv"
  else
    bench_log "skipping febrl$n: $DATA/febrl/dataset$n.csv not found"
  fi
done
if [[ -f "$DATA/febrl/dataset4a.csv" && -f "$DATA/febrl/dataset4b.csv" ]]; then
  convert febrl4 FebrlConverter "a=$DATA/febrl/dataset4a.csv" "b=$DATA/febrl/dataset4b.csv"
else
  bench_log "skipping febrl4: dataset4a.csv / dataset4b.csv not found"
fi
if [[ -f "$DATA/splink_fake_1000/fake_1000.csv" ]]; then
  convert fake_1000 SplinkFake1000Converter "$DATA/splink_fake_1000/fake_1000.csv"
else
  bench_log "skipping fake_1000: $DATA/splink_fake_1000/fake_1000.csv not found"
fi

if command -v python3 >/dev/null; then
  for seed in 1 2; do
    bench_log "generating world-s$seed"
    python3 "$BENCH_ROOT/scripts/generate-world-people.py" --persons 5000 --seed "$seed" \
      --out "$BENCH_TARGET/world-s$seed.csv" 2>"$BENCH_TARGET/world-s$seed.gen.log"
    SETS+=("world-s$seed")
    TRUTH[world-s$seed]=person
  done
else
  bench_log "skipping world-s1, world-s2: python3 not found"
fi

# --- 2. Redis ---------------------------------------------------------------------------------
REDIS_DIR=""
cleanup() {
  if [[ -n "$REDIS_DIR" ]]; then
    if [[ -f "$REDIS_DIR/redis.pid" ]]; then
      kill "$(cat "$REDIS_DIR/redis.pid")" 2>/dev/null || true
      sleep 0.2
    fi
    rm -rf "$REDIS_DIR"
  fi
}
trap cleanup EXIT

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

REDIS_NOTE=""
FLUSH_ARG=()
if [[ -n "${REDIS_URL:-}" ]]; then
  REDIS_NOTE="REDIS_URL (flushed before each data set)"
  FLUSH_ARG=(--flush)
elif command -v redis-server >/dev/null; then
  port=$(( 20000 + RANDOM % 20000 ))
  while port_in_use "$port"; do port=$(( port + 1 )); done
  REDIS_DIR="$(mktemp -d "${TMPDIR:-/tmp}/tessera-bench-redis-XXXXXX")"
  redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no --daemonize yes \
    --pidfile "$REDIS_DIR/redis.pid" --dir "$REDIS_DIR" --logfile "$REDIS_DIR/redis.log" >/dev/null
  for _ in $(seq 100); do
    port_in_use "$port" && break
    sleep 0.05
  done
  export REDIS_URL="redis://127.0.0.1:$port"
  FLUSH_ARG=(--flush) # our own server
  REDIS_NOTE="private $(redis-server --version | awk '{print $1, $2, $3}') on 127.0.0.1:$port started by this script"
else
  REDIS_NOTE="no redis-server on PATH: each run starts the Redis bundled with embedded-redis"
fi
bench_log "redis: $REDIS_NOTE"

# redis-benchmark's connection flags for REDIS_URL (redis://[[user]:password@]host[:port][/db]).
RB_ARGS=()
RB_NOTE=""
if ! command -v redis-benchmark >/dev/null; then
  RB_NOTE="redis-benchmark is not installed (apt-get install -y redis-server provides it): SET/s not measured"
elif [[ -z "${REDIS_URL:-}" ]]; then
  RB_NOTE="no shared Redis to measure (no redis-server on PATH): SET/s not measured"
elif [[ "$REDIS_URL" =~ ^redis://(([^:@/]*)(:([^@/]*))?@)?([^:/@]+)(:([0-9]+))?(/([0-9]+))?/?$ ]]; then
  RB_ARGS=(-h "${BASH_REMATCH[5]}" -p "${BASH_REMATCH[7]:-6379}")
  [[ -n "${BASH_REMATCH[2]}" ]] && RB_ARGS+=(--user "${BASH_REMATCH[2]}")
  [[ -n "${BASH_REMATCH[4]}" ]] && RB_ARGS+=(-a "${BASH_REMATCH[4]}")
  [[ -n "${BASH_REMATCH[9]}" ]] && RB_ARGS+=(--dbnum "${BASH_REMATCH[9]}")
else
  RB_NOTE="REDIS_URL is not a plain redis:// URL (TLS?): SET/s not measured"
fi
[[ -n "$RB_NOTE" ]] && bench_log "$RB_NOTE"

redis_set_rate() {
  if [[ ${#RB_ARGS[@]} -eq 0 ]]; then
    echo "n/a"
    return
  fi
  redis-benchmark "${RB_ARGS[@]}" -q -t set -P 16 -n 200000 2>/dev/null \
    | tr '\r' '\n' | awk '/^SET: [0-9.]+ requests per second/ {rate = $2} END {print (rate == "" ? "n/a" : sprintf("%.0f", rate))}'
}

# --- 3. benchmark each set --------------------------------------------------------------------
ROWS=()
for name in "${SETS[@]}"; do
  set_rate="$(redis_set_rate)"
  bench_log "$name: redis-benchmark SET (-P 16) = $set_rate requests/s"
  log="$BENCH_TARGET/$name.log"
  bench_log "$name: scripts/bench-identity.sh --input target/bench/$name.csv --truth-column ${TRUTH[$name]} --threads $THREADS --batch $BATCH"
  if ! "$BENCH_ROOT/scripts/bench-identity.sh" --input "$BENCH_TARGET/$name.csv" \
        --out "$BENCH_TARGET/$name.profiles.csv" --truth-column "${TRUTH[$name]}" --threads "$THREADS" --batch "$BATCH" \
        --warmup "$WARMUP" "${FLUSH_ARG[@]}" 2>&1 | tee "$log" >&2; then
    bench_log "$name: the benchmark failed (log: $log)"
    ROWS+=("| $name | failed | | | | | $set_rate |")
    continue
  fi
  last="$(tail -n 1 "$log")"
  records="$(awk '/^resolve: / {print $2}' "$log")"
  get() { sed -n "s/.*\<$1=\([^ ]*\).*/\1/p" <<<"$last"; }
  ROWS+=("| $name | $records | $(get precision) | $(get recall) | $(get f1) | $(get records_per_s) | $set_rate |")
done

# --- 4. table ---------------------------------------------------------------------------------
{
  echo "Core: $BUILD_ID. Threads: $THREADS; batch: $BATCH; warm-up records: $WARMUP."
  echo "Redis: $REDIS_NOTE${RB_NOTE:+; $RB_NOTE}."
  echo
  echo "| data set | records | precision | recall | F1 | records/s | redis SET/s (-P 16) |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${ROWS[@]}"
} | tee "$BENCH_TARGET/results.md"
