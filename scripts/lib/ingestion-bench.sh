# shellcheck shell=bash
# Shared by the ingestion benchmark scripts (sourced, not run): build the ingestion app when needed
# (package only, never install), a private redis-server, redis-benchmark, the app itself, clean-up.
#
# Environment: MVN_ARGS (extra Maven flags, e.g. -o), JAVA_HOME, JAVA_OPTS (for the app and the tools),
# APP_JAVA_OPTS (for the app only, after -XX:MaxGCPauseMillis=10 as ./tessera runs the apps; later flags win).

# shellcheck source=bench-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"

IB_JAR=""
IB_REDIS_DIR=""
IB_REDIS_PORT=""
IB_APP_PID=""
IB_APP_PORT=""
IB_APP_LOG=""

ib_java() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    echo "$JAVA_HOME/bin/java"
  else
    echo java
  fi
}

# Packages core and ingestion (with test classes, which hold the generator and the load generator) when
# the exec jar or the test classes are missing or older than any source or pom. Never installs.
ib_build() {
  local jar reason=""
  jar="$(find "$BENCH_ROOT/ingestion/target" -maxdepth 1 -name 'tessera-ingestion-*-exec.jar' 2>/dev/null | head -n 1 || true)"
  if [[ -z "$jar" || ! -f "$BENCH_ROOT/ingestion/target/test-classes/dev/tessera/ingestion/bench/WebhookLoad.class" ]]; then
    reason="no exec jar or test classes yet"
  elif [[ -n "$(find "$BENCH_ROOT/core/src" "$BENCH_ROOT/ingestion/src" "$BENCH_ROOT/core/pom.xml" \
                  "$BENCH_ROOT/ingestion/pom.xml" "$BENCH_ROOT/pom.xml" -newer "$jar" -print -quit)" ]]; then
    reason="sources changed since the jar was built"
  fi
  if [[ -n "$reason" ]]; then
    bench_log "building ($reason): ./mvnw -q -B ${MVN_ARGS:-} -pl core,ingestion -am package -DskipTests"
    # shellcheck disable=SC2086 # MVN_ARGS is a list of flags
    (cd "$BENCH_ROOT" && ./mvnw -q -B ${MVN_ARGS:-} -pl core,ingestion -am package -DskipTests) >&2
    jar="$(find "$BENCH_ROOT/ingestion/target" -maxdepth 1 -name 'tessera-ingestion-*-exec.jar' | head -n 1)"
    touch "$jar"
  fi
  IB_JAR="$jar"
}

# A JDK-only main of ingestion's test classes (the generator, the load generator).
ib_tool() {
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
  "$(ib_java)" ${JAVA_OPTS:-} -cp "$BENCH_ROOT/ingestion/target/test-classes" "$@"
}

ib_port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

ib_free_port() {
  local port=$(( 20000 + RANDOM % 20000 ))
  while ib_port_in_use "$port"; do port=$(( port + 1 )); done
  echo "$port"
}

ib_cleanup() {
  if [[ -n "$IB_APP_PID" ]] && kill -0 "$IB_APP_PID" 2>/dev/null; then
    kill "$IB_APP_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$IB_APP_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$IB_APP_PID" 2>/dev/null || true
  fi
  if [[ -n "$IB_REDIS_DIR" ]]; then
    if [[ -f "$IB_REDIS_DIR/redis.pid" ]]; then
      kill "$(cat "$IB_REDIS_DIR/redis.pid")" 2>/dev/null || true
      sleep 0.2
    fi
    rm -rf "$IB_REDIS_DIR"
  fi
}

# Starts a private redis-server (no persistence) on a free port; stopped by ib_cleanup.
ib_redis_start() {
  command -v redis-server >/dev/null || { bench_log "redis-server is not installed (apt-get install -y redis-server)"; return 1; }
  IB_REDIS_PORT="$(ib_free_port)"
  IB_REDIS_DIR="$(mktemp -d "${TMPDIR:-/tmp}/tessera-bench-redis-XXXXXX")"
  redis-server --bind 127.0.0.1 --port "$IB_REDIS_PORT" --save '' --appendonly no --daemonize yes \
    --pidfile "$IB_REDIS_DIR/redis.pid" --dir "$IB_REDIS_DIR" --logfile "$IB_REDIS_DIR/redis.log" >/dev/null
  for _ in $(seq 100); do
    ib_port_in_use "$IB_REDIS_PORT" && return 0
    sleep 0.05
  done
  bench_log "redis-server did not open port $IB_REDIS_PORT"
  return 1
}

# SET requests/s with 16 pipelined commands against the private Redis (the ceiling); "n/a" without the tool.
ib_redis_set_rate() {
  if ! command -v redis-benchmark >/dev/null; then
    echo "n/a"
    return
  fi
  redis-benchmark -h 127.0.0.1 -p "$IB_REDIS_PORT" -q -t set -P 16 -n 200000 2>/dev/null \
    | tr '\r' '\n' | awk '/^SET: [0-9.]+ requests per second/ {rate = $2} END {print (rate == "" ? "n/a" : sprintf("%.0f", rate))}'
}

# One line describing the machine and the moment.
ib_machine() {
  local mem
  mem="$(awk '/^MemTotal:/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
  echo "nproc=$(nproc) memory=$mem $(redis-server --version | awk '{print $1, $2, $3}')" \
       "java=$("$(ib_java)" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.runtime.version/ {print $2}')" \
       "load_average=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')"
}

# ib_app_start ARGS...: runs the exec jar against the private Redis on a free port with the given
# properties (--name=value) and waits until /actuator/health answers UP.
ib_app_start() {
  IB_APP_PORT="$(ib_free_port)"
  IB_APP_LOG="$BENCH_TARGET/${IB_APP_NAME:-ingestion}-app.log"
  mkdir -p "$BENCH_TARGET"
  # shellcheck disable=SC2086 # APP_JAVA_OPTS and JAVA_OPTS are lists of flags
  "$(ib_java)" -XX:MaxGCPauseMillis=10 ${APP_JAVA_OPTS:-} ${JAVA_OPTS:-} -jar "$IB_JAR" --server.port="$IB_APP_PORT" --spring.main.banner-mode=off \
    --tessera.redis.url="redis://127.0.0.1:$IB_REDIS_PORT" "$@" >"$IB_APP_LOG" 2>&1 &
  IB_APP_PID=$!
  local started=$SECONDS
  until curl -fsS "http://127.0.0.1:$IB_APP_PORT/actuator/health" 2>/dev/null | grep -q '"UP"'; do
    if ! kill -0 "$IB_APP_PID" 2>/dev/null; then
      bench_log "the ${IB_APP_NAME:-ingestion} app exited; last lines of ${IB_APP_LOG#"$BENCH_ROOT"/}:"
      tail -n 30 "$IB_APP_LOG" >&2
      return 1
    fi
    if (( SECONDS - started > 180 )); then
      bench_log "the ${IB_APP_NAME:-ingestion} app did not become healthy in 180 s (log: $IB_APP_LOG)"
      return 1
    fi
    sleep 0.5
  done
  bench_log "${IB_APP_NAME:-ingestion} app up on port $IB_APP_PORT after $(( SECONDS - started )) s (log: ${IB_APP_LOG#"$BENCH_ROOT"/})"
}
