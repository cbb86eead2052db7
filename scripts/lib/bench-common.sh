# shellcheck shell=bash
# Shared by the benchmark scripts (sourced, not run). Builds core when its test-jar is missing or older
# than the sources, caches core's test classpath under target/bench/, and runs a Java main from
# core/target/classes + core/target/test-classes.
#
# Environment: MVN_ARGS (extra Maven flags, e.g. -o for offline), JAVA_HOME, JAVA_OPTS.

BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH_TARGET="$BENCH_ROOT/target/bench"
BENCH_CLASSPATH_FILE="$BENCH_TARGET/classpath.txt"

bench_log() {
  echo "bench: $*" >&2
}

# Builds core (and its parent) when the test-jar is absent or any core source / pom is newer than it.
# Skipped when BENCH_SKIP_BUILD is set (bench-all-identity.sh builds once for the whole run).
bench_build() {
  if [[ -n "${BENCH_SKIP_BUILD:-}" ]]; then
    return 0
  fi
  local core="$BENCH_ROOT/core"
  local jar
  jar="$(find "$core/target" -maxdepth 1 -name 'tessera-core-*-tests.jar' 2>/dev/null | head -n 1 || true)"
  local reason=""
  if [[ -z "$jar" || ! -d "$core/target/classes" || ! -d "$core/target/test-classes" ]]; then
    reason="core test-jar absent"
  elif [[ -n "$(find "$core/src" "$core/pom.xml" "$BENCH_ROOT/pom.xml" -newer "$jar" -print -quit)" ]]; then
    reason="core sources changed since the test-jar was built"
  fi
  if [[ -n "$reason" ]]; then
    bench_log "building core ($reason): ./mvnw -q -B -DskipTests install -pl core -am"
    # shellcheck disable=SC2086 # MVN_ARGS is a list of flags
    if ! (cd "$BENCH_ROOT" && ./mvnw -q -B ${MVN_ARGS:-} -DskipTests install -pl core -am) >&2; then
      # A build running at the same time in the same tree (mvn clean, say) breaks ours: try once more.
      bench_log "the build failed; retrying once in 10 s"
      sleep 10
      if ! (cd "$BENCH_ROOT" && ./mvnw -q -B ${MVN_ARGS:-} -DskipTests install -pl core -am) >&2; then
        bench_log "the build failed (see above)"
        return 1
      fi
    fi
    jar="$(find "$core/target" -maxdepth 1 -name 'tessera-core-*-tests.jar' | head -n 1)"
    touch "$jar" # an unchanged jar is not rewritten by Maven: mark it as checked now
  fi
}

# Writes core's test-scope dependency classpath to $BENCH_CLASSPATH_FILE unless a fresh copy is cached.
bench_classpath() {
  mkdir -p "$BENCH_TARGET"
  if [[ -s "$BENCH_CLASSPATH_FILE" && "$BENCH_CLASSPATH_FILE" -nt "$BENCH_ROOT/core/pom.xml" \
        && "$BENCH_CLASSPATH_FILE" -nt "$BENCH_ROOT/pom.xml" ]]; then
    return 0
  fi
  bench_log "computing core's test classpath (cached in ${BENCH_CLASSPATH_FILE#"$BENCH_ROOT"/})"
  # shellcheck disable=SC2086 # MVN_ARGS is a list of flags
  if ! (cd "$BENCH_ROOT" && ./mvnw -q -B ${MVN_ARGS:-} dependency:build-classpath -pl core \
          -Dmdep.outputFile="$BENCH_CLASSPATH_FILE" -Dmdep.includeScope=test) >&2; then
    rm -f "$BENCH_CLASSPATH_FILE"
    bench_log "could not compute the classpath (see above)"
    return 1
  fi
  touch "$BENCH_CLASSPATH_FILE" # the plugin leaves an unchanged file as it was
}

# Copies core's freshly built classes to target/bench/classes and makes later bench_java calls (also
# in child scripts) use that copy and skip building: every data set of one run then measures the same
# code, even while core is edited and rebuilt in the same tree.
bench_snapshot() {
  local dir="$BENCH_TARGET/classes"
  rm -rf "$dir"
  mkdir -p "$dir"
  cp -R "$BENCH_ROOT/core/target/classes" "$dir/main"
  cp -R "$BENCH_ROOT/core/target/test-classes" "$dir/test"
  export BENCH_CLASSES="$dir/main:$dir/test"
  export BENCH_SKIP_BUILD=1
}

# What the measured code was built from, e.g. "2448e6a" or "2448e6a + uncommitted changes in core/src/main".
bench_build_id() {
  local id
  id="$(git -C "$BENCH_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  if [[ -n "$(git -C "$BENCH_ROOT" status --porcelain -- core/src/main core/pom.xml pom.xml 2>/dev/null)" ]]; then
    id="$id + uncommitted changes in core/src/main or the poms"
  fi
  echo "$id"
}

# bench_java MAIN_CLASS ARGS...: runs a main of core's main or test classes (core/target/classes and
# core/target/test-classes, or the copy made by bench_snapshot).
bench_java() {
  local java="java"
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    java="$JAVA_HOME/bin/java"
  fi
  local deps cp
  deps="$(cat "$BENCH_CLASSPATH_FILE")"
  cp="${BENCH_CLASSES:-$BENCH_ROOT/core/target/classes:$BENCH_ROOT/core/target/test-classes}:$deps"
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
  "$java" ${JAVA_OPTS:-} -cp "$cp" "$@"
}
