#!/usr/bin/env bash
# A real single-node Apache Cassandra 5.0 for Aisle's development and tests, without Docker or the Apache
# tarball: the server jars come from Maven Central (pom.xml beside this script) and the daemon is started from a
# classpath with a Java 17 JVM. See README.md.
#
#   cassandra.sh install | start | stop | restart | status | logs [-f] [N] | reset | java | help
#   (java: prints the JDK a start would use, exit 1 when there is none: npm test asks it first)
#
# Environment (defaults in brackets):
#   AISLE_CASSANDRA_HOME           node folder: config, data, commit log, logs, pid file [tools/cassandra/.cache/node]
#   AISLE_CASSANDRA_PORT           CQL native transport port [9042]
#   AISLE_CASSANDRA_STORAGE_PORT   internode (gossip) port [7000]
#   AISLE_CASSANDRA_HEAP           -Xms/-Xmx [1g]
#   AISLE_CASSANDRA_EPHEMERAL      1: throw-away test node, -Dcassandra.unsafesystem=true (no fsync of system tables) [0]
#   AISLE_CASSANDRA_START_TIMEOUT  seconds to wait for the node to answer a query [180]
#   AISLE_CASSANDRA_STOP_TIMEOUT   seconds to wait after SIGTERM before SIGKILL [60]
#   AISLE_CASSANDRA_LIB            where the jars go [tools/cassandra/.cache/lib]
#   AISLE_CASSANDRA_CDS            0: no class-data-sharing archive (see cds_args) [1]
#   AISLE_CASSANDRA_JVM_OPTS       extra JVM options, split on spaces, added last []
#   AISLE_CASSANDRA_JAVA_HOME      the JDK to use; else JAVA_HOME if it is 11 or 17; else a Java 17 found on the machine
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"

# Absolute, because the paths go into cassandra.yaml and the JVM runs from inside the folder.
CASSANDRA_HOME_DIR="$(realpath -m "${AISLE_CASSANDRA_HOME:-$SCRIPT_DIR/.cache/node}")"
NATIVE_PORT="${AISLE_CASSANDRA_PORT:-9042}"
STORAGE_PORT="${AISLE_CASSANDRA_STORAGE_PORT:-7000}"
HEAP="${AISLE_CASSANDRA_HEAP:-1g}"
EPHEMERAL="${AISLE_CASSANDRA_EPHEMERAL:-0}"
START_TIMEOUT="${AISLE_CASSANDRA_START_TIMEOUT:-180}"
STOP_TIMEOUT="${AISLE_CASSANDRA_STOP_TIMEOUT:-60}"
LIB_DIR="$(realpath -m "${AISLE_CASSANDRA_LIB:-$SCRIPT_DIR/.cache/lib}")"
USE_CDS="${AISLE_CASSANDRA_CDS:-1}"

PID_FILE="$CASSANDRA_HOME_DIR/cassandra.pid"
LOG_DIR="$CASSANDRA_HOME_DIR/logs"
SYSTEM_LOG="$LOG_DIR/system.log"
STDOUT_LOG="$LOG_DIR/stdout.log"
READY_LINE='Starting listening for CQL clients'

log() { printf '[cassandra] %s\n' "$*"; }
die() { printf '[cassandra] error: %s\n' "$*" >&2; exit 1; }

# Milliseconds since the epoch, and seconds (one decimal) elapsed since such a stamp.
now_ms() { local t="${EPOCHREALTIME/[.,]/}"; printf '%s' "${t:0:-3}"; }
since() { local ms=$(( $(now_ms) - $1 )); printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100)); }

# The cassandra-all version pinned in pom.xml; the install marker records it so a version bump re-installs.
cassandra_version() {
  sed -n 's:.*<cassandra.version>\(.*\)</cassandra.version>.*:\1:p' "$SCRIPT_DIR/pom.xml" | head -n 1
}

# --- Java ------------------------------------------------------------------------------------------------------

# Prints the feature version (8, 11, 17, 25, ...) of the java binary $1.
java_feature_version() {
  local v
  v="$(java_property "$1" java.specification.version)"
  v="${v#1.}" # 1.8 -> 8
  printf '%s' "${v%%.*}"
}

java_property() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n "s/^ *${2//./\\.} = //p" | head -n 1
}

# Chooses the JDK and sets JAVA_BIN. Cassandra 5.0 runs on Java 11 and 17. Java 24+ cannot run it at all
# (it calls System.setSecurityManager, which throws there), and this machine also carries a Temurin 25, so a
# JAVA_HOME that points there is passed over in favour of a Java 17 rather than used.
select_java() {
  [[ -n "${JAVA_BIN:-}" ]] && return 0
  local candidate version
  if [[ -n "${AISLE_CASSANDRA_JAVA_HOME:-}" ]]; then
    candidate="$AISLE_CASSANDRA_JAVA_HOME/bin/java"
    [[ -x "$candidate" ]] || die "AISLE_CASSANDRA_JAVA_HOME=$AISLE_CASSANDRA_JAVA_HOME has no bin/java"
    version="$(java_feature_version "$candidate")"
    check_java_version "$candidate" "$version"
    JAVA_BIN="$candidate"
    return 0
  fi

  local candidates=()
  [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME/bin/java")
  local dir
  for dir in /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/java-17-openjdk* /usr/lib/jvm/*-17* /usr/lib/jvm/*17*; do
    [[ -x "$dir/bin/java" ]] && candidates+=("$dir/bin/java")
  done
  command -v java >/dev/null 2>&1 && candidates+=("$(command -v java)")

  local rejected=()
  for candidate in "${candidates[@]}"; do
    [[ -x "$candidate" ]] || continue
    version="$(java_feature_version "$candidate")"
    if [[ "$version" == 17 || "$version" == 11 ]]; then
      JAVA_BIN="$candidate"
      if [[ -n "${JAVA_HOME:-}" && "$candidate" != "$JAVA_HOME/bin/java" ]]; then
        log "JAVA_HOME=$JAVA_HOME is not Java 11/17; using $(dirname "$(dirname "$candidate")") instead"
      fi
      return 0
    fi
    rejected+=("$candidate (Java $version)")
  done
  die "no Java 17 (or 11) found for Cassandra 5.0. Tried: ${rejected[*]:-nothing}.
  Java 24 and newer cannot run Cassandra 5.0 (it calls System.setSecurityManager).
  Install OpenJDK 17 (apt-get install openjdk-17-jdk-headless) or set AISLE_CASSANDRA_JAVA_HOME to a JDK 17."
}

check_java_version() {
  local bin="$1" version="$2"
  if [[ -z "$version" ]]; then
    die "cannot tell the version of $bin"
  elif (( version >= 24 )); then
    die "$bin is Java $version: Java 24 and newer cannot run Cassandra 5.0 (it calls System.setSecurityManager). Use a JDK 17."
  elif (( version < 11 )); then
    die "$bin is Java $version: Cassandra 5.0 needs Java 11 or 17."
  elif [[ "$version" != 11 && "$version" != 17 ]]; then
    log "warning: $bin is Java $version; Cassandra 5.0 supports only Java 11 and 17. Trying anyway."
  fi
}

# --- install ---------------------------------------------------------------------------------------------------

# Size of the jars alone (the lib folder may also hold the class-data archive).
jars_size() {
  du -ch "$LIB_DIR"/*.jar | tail -n 1 | cut -f1
}

installed() {
  [[ -f "$LIB_DIR/.installed" && "$(cat "$LIB_DIR/.installed")" == "$(cassandra_version)" ]]
}

cmd_install() {
  local version
  version="$(cassandra_version)"
  [[ -n "$version" ]] || die "cannot read <cassandra.version> from $SCRIPT_DIR/pom.xml"
  if installed; then
    log "cassandra-all $version already installed in $LIB_DIR ($(jars_size) of jars)"
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "Maven (mvn) is needed to fetch the Cassandra jars: apt-get install maven"
  select_java
  log "fetching cassandra-all $version and its runtime dependencies with Maven into $LIB_DIR ..."
  local started tmp="$LIB_DIR.tmp.$$"
  started="$(now_ms)"
  rm -rf "$tmp"
  mkdir -p "$(dirname "$LIB_DIR")"
  # Maven itself runs on the chosen JDK 17 too, whatever JAVA_HOME says. Debian's Maven 3.8 prints stray colour
  # resets even in batch mode and without a terminal: the sed drops them (pipefail keeps Maven's exit status).
  if ! JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$JAVA_BIN")")")" \
      mvn -B -q -f "$SCRIPT_DIR/pom.xml" dependency:copy-dependencies \
        -DoutputDirectory="$tmp" -DincludeScope=runtime 2>&1 | sed -e 's/\x1b\[[0-9;]*m//g'; then
    rm -rf "$tmp"
    die "Maven could not fetch the jars (see above)"
  fi
  printf '%s' "$version" > "$tmp/.installed"
  # Swap in whole, so an interrupted install never leaves a half-filled lib/ that looks installed.
  rm -rf "$LIB_DIR"
  mv "$tmp" "$LIB_DIR"
  log "installed $(find "$LIB_DIR" -name '*.jar' | wc -l) jars, download size $(jars_size), in $(since "$started") s"
}

# --- process helpers -------------------------------------------------------------------------------------------

# Prints the pid of this folder's running node, or nothing. A stale pid file (node died, pid reused) is removed.
running_pid() {
  [[ -f "$PID_FILE" ]] || return 0
  local pid
  pid="$(tr -dc '0-9' < "$PID_FILE")"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null \
      && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q 'org.apache.cassandra.service.CassandraDaemon'; then
    printf '%s' "$pid"
  else
    rm -f "$PID_FILE"
  fi
}

# The native port that the running node was started with (recorded beside the pid file).
running_port() {
  cat "$CASSANDRA_HOME_DIR/cassandra.port" 2>/dev/null || printf '%s' "$NATIVE_PORT"
}

port_in_use() {
  # A connect, not a bind test: bash's /dev/tcp needs no extra tools.
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Runs the CQL readiness query; prints the release version on success.
probe() {
  local port="$1"
  if command -v node >/dev/null 2>&1; then
    # From the repo root, so the probe finds the repo's cassandra-driver if it is installed.
    (cd "$REPO_ROOT" && node "$SCRIPT_DIR/cql-probe.cjs" 127.0.0.1 "$port" 3000 2>/dev/null)
  else
    # No Node.js: the log line Cassandra prints once the CQL server is up, and a TCP connect to the port.
    grep -q "$READY_LINE" "$SYSTEM_LOG" 2>/dev/null && port_in_use "$port" && printf 'unknown (no node to query)'
  fi
}

show_log_tail() {
  local file
  for file in "$STDOUT_LOG" "$SYSTEM_LOG"; do
    if [[ -s "$file" ]]; then
      printf '%s\n' "----- last lines of $file -----" >&2
      tail -n 40 "$file" >&2
    fi
  done
}

# --- start -----------------------------------------------------------------------------------------------------

write_config() {
  local conf_dir="$CASSANDRA_HOME_DIR/conf" home_escaped
  mkdir -p "$conf_dir" "$LOG_DIR" "$CASSANDRA_HOME_DIR/triggers"
  home_escaped="$(printf '%s' "$CASSANDRA_HOME_DIR" | sed 's/[&|\\]/\\&/g')"
  sed -e "s|@@HOME@@|$home_escaped|g" \
      -e "s|@@NATIVE_PORT@@|$NATIVE_PORT|g" \
      -e "s|@@STORAGE_PORT@@|$STORAGE_PORT|g" \
      "$SCRIPT_DIR/conf/cassandra.yaml.template" > "$conf_dir/cassandra.yaml"
  cp "$SCRIPT_DIR/conf/logback.xml" "$conf_dir/logback.xml"
}

jvm_args() {
  local conf_dir="$CASSANDRA_HOME_DIR/conf" jamm
  jamm="$(find "$LIB_DIR" -maxdepth 1 -name 'jamm-*.jar' | head -n 1)"
  [[ -n "$jamm" ]] || die "no jamm jar in $LIB_DIR: run '$0 install' again"
  JVM_ARGS=(
    # Heap and GC: small fixed heap, G1 as in conf/jvm17-server.options.
    "-Xms$HEAP" "-Xmx$HEAP"
    -XX:+UseG1GC -XX:+ParallelRefProcEnabled -XX:MaxTenuringThreshold=1 -XX:G1HeapRegionSize=16m
    -XX:G1RSetUpdatingPauseTimePercent=5 -XX:MaxGCPauseMillis=300 -XX:InitiatingHeapOccupancyPercent=70
    # General settings from conf/jvm-server.options. Left out: -XX:+AlwaysPreTouch (slows start-up and commits
    # the whole heap at once; not worth it for a dev node) and -XX:+UseNUMA (meaningless here).
    -ea -da:net.openhft...
    -XX:+UseThreadPriorities -XX:+HeapDumpOnOutOfMemoryError "-XX:HeapDumpPath=$LOG_DIR"
    # What cassandra-env.sh adds: never limp on after an OutOfMemoryError (it can corrupt data).
    -XX:+ExitOnOutOfMemoryError
    -Xss256k -XX:+UseTLAB -XX:+ResizeTLAB -XX:+PerfDisableSharedMem
    -Djava.net.preferIPv4Stack=true
    # JPMS: the whole list from apache/cassandra 5.0 conf/jvm17-server.options. Missing ones fail late and
    # obscurely (e.g. without java.io, start-up aborts in NativeLibrary).
    -Djdk.attach.allowAttachSelf=true
    --add-exports java.base/jdk.internal.misc=ALL-UNNAMED
    --add-exports java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED
    --add-exports java.rmi/sun.rmi.registry=ALL-UNNAMED
    --add-exports java.rmi/sun.rmi.server=ALL-UNNAMED
    --add-exports java.sql/java.sql=ALL-UNNAMED
    --add-exports java.base/java.lang.ref=ALL-UNNAMED
    --add-exports jdk.unsupported/sun.misc=ALL-UNNAMED
    --add-exports jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
    --add-exports jdk.attach/sun.tools.attach=ALL-UNNAMED
    --add-opens java.base/java.lang.module=ALL-UNNAMED
    --add-opens java.base/jdk.internal.loader=ALL-UNNAMED
    --add-opens java.base/jdk.internal.ref=ALL-UNNAMED
    --add-opens java.base/jdk.internal.reflect=ALL-UNNAMED
    --add-opens java.base/jdk.internal.math=ALL-UNNAMED
    --add-opens java.base/jdk.internal.module=ALL-UNNAMED
    --add-opens java.base/jdk.internal.util.jar=ALL-UNNAMED
    --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED
    --add-opens java.base/sun.nio.ch=ALL-UNNAMED
    --add-opens java.base/java.io=ALL-UNNAMED
    --add-opens java.base/java.lang.reflect=ALL-UNNAMED
    --add-opens jdk.compiler/com.sun.tools.javac=ALL-UNNAMED
    --add-opens java.base/java.lang=ALL-UNNAMED
    --add-opens java.base/java.util=ALL-UNNAMED
    --add-opens java.base/java.nio=ALL-UNNAMED
    # Netty, also from jvm17-server.options.
    -Dio.netty.tryReflectionSetAccessible=true
    -Dio.netty.allocator.useCacheForAllThreads=true
    -Dio.netty.allocator.maxOrder=11
    # jamm measures object sizes for memtable accounting; Cassandra refuses to start without the agent.
    "-javaagent:$jamm"
    # Where things are (what bin/cassandra and cassandra-env.sh would set).
    "-Dcassandra.config=file://$conf_dir/cassandra.yaml"
    "-Dlogback.configurationFile=file://$conf_dir/logback.xml"
    "-Dcassandra.logdir=$LOG_DIR"
    "-Dcassandra.storagedir=$CASSANDRA_HOME_DIR"
    "-Dcassandra.triggers_dir=$CASSANDRA_HOME_DIR/triggers"
    # Cassandra deletes this file itself when it exits cleanly.
    "-Dcassandra-pidfile=$PID_FILE"
    # Without it Cassandra closes stdout/stderr; with it, JVM-level errors (bad flags, OutOfMemoryError) still
    # reach stdout.log. Logging itself goes to system.log only (conf/logback.xml has no console appender).
    -Dcassandra-foreground=yes
    # A single node that is its own seed: nothing to wait for.
    -Dcassandra.skip_wait_for_gossip_to_settle=0
    -Dcassandra.superuser_setup_delay_ms=0
    # No peers to tell about a shutdown: do not sleep 2 s announcing it.
    -Dcassandra.shutdown_announce_in_ms=0
    -Dchronicle.announcer.disable=true
    # No JMX port: none is set (cassandra.jmx.local.port), so two nodes never clash on 7199.
  )
  if [[ "$EPHEMERAL" == 1 ]]; then
    # Skips fsync of system tables: faster schema changes, fine for a node whose data is thrown away.
    JVM_ARGS+=(-Dcassandra.unsafesystem=true)
  fi
  cds_args
  local extra=()
  read -r -a extra <<< "${AISLE_CASSANDRA_JVM_OPTS:-}"
  JVM_ARGS+=("${extra[@]}")
}

# Application class-data sharing. Start-up is mostly CPU spent loading and verifying ~9,000 classes; with a
# dynamic CDS archive of them it roughly halves on 2 busy cores. The first node started after an install runs
# with -XX:ArchiveClassesAtExit, the JVM writes the archive when that node stops (stop takes ~4 s longer, once),
# and 'stop' moves it into the lib folder, where every later start on the same JDK and jars maps it. Since jamm
# is a -javaagent, JDK 17 wants the diagnostic AllowArchivingWithJavaAgent both to write and to use the archive
# (the JVM then prints a "testing purposes only" warning to stdout.log). An archive that does not match the
# JDK or class path is silently ignored (-Xshare:auto), so this never stops a node from starting.
cds_args() {
  CDS_ARCHIVE="$LIB_DIR/cds-${JAVA_RUNTIME//[^A-Za-z0-9._-]/_}.jsa"
  rm -f "$CASSANDRA_HOME_DIR/cds.jsa.tmp" "$CASSANDRA_HOME_DIR/cds.target"
  [[ "$USE_CDS" == 1 ]] || return 0
  JVM_ARGS+=(-XX:+UnlockDiagnosticVMOptions -XX:+AllowArchivingWithJavaAgent)
  if [[ -s "$CDS_ARCHIVE" ]]; then
    JVM_ARGS+=("-XX:SharedArchiveFile=$CDS_ARCHIVE")
  else
    # Quiet: the dump warns about every class it skips (old class files, lambdas, ...).
    JVM_ARGS+=("-XX:ArchiveClassesAtExit=$CASSANDRA_HOME_DIR/cds.jsa.tmp" '-Xlog:cds*=off')
    printf '%s\n' "$CDS_ARCHIVE" > "$CASSANDRA_HOME_DIR/cds.target"
  fi
}

# After a clean stop: publish the class-data archive the node wrote on its way out, if it was asked to.
publish_cds_archive() {
  local tmp="$CASSANDRA_HOME_DIR/cds.jsa.tmp" target
  target="$(cat "$CASSANDRA_HOME_DIR/cds.target" 2>/dev/null || true)"
  if [[ -s "$tmp" && -n "$target" && -d "$(dirname "$target")" ]]; then
    # Copy then rename inside the lib folder: other nodes may map the archive at any time.
    cp "$tmp" "$target.$$" && mv -f "$target.$$" "$target" && log "class-data archive saved for faster starts: $target"
  fi
  rm -f "$tmp" "$CASSANDRA_HOME_DIR/cds.target"
}

cmd_start() {
  local pid
  pid="$(running_pid)"
  if [[ -n "$pid" ]]; then
    log "already running (pid $pid, port $(running_port)), home $CASSANDRA_HOME_DIR"
    return 0
  fi

  [[ "$HEAP" =~ ^[0-9]+[kKmMgG]?$ ]] || die "AISLE_CASSANDRA_HEAP=$HEAP is not a JVM size such as 1g or 768m"
  installed || cmd_install
  select_java
  JAVA_RUNTIME="$(java_property "$JAVA_BIN" java.runtime.version)"
  local p
  for p in "$NATIVE_PORT" "$STORAGE_PORT"; do
    port_in_use "$p" && die "port $p on 127.0.0.1 is already in use by another process; set AISLE_CASSANDRA_PORT / AISLE_CASSANDRA_STORAGE_PORT"
  done

  # Cassandra always calls mlockall(MCL_CURRENT). As a normal user that fails (RLIMIT_MEMLOCK) and it carries
  # on; as root (CAP_IPC_LOCK) it succeeds, which faults in and pins the whole heap: ~1.4 GB resident instead of
  # ~0.5 GB and 1-2 s slower start-up, for nothing on a machine without swap. So root drops that one capability.
  LAUNCH_PREFIX=()
  if [[ "$EUID" == 0 ]] && command -v setpriv >/dev/null 2>&1 && setpriv --bounding-set -ipc_lock true 2>/dev/null; then
    LAUNCH_PREFIX=(setpriv --bounding-set -ipc_lock)
  fi

  local fresh=warm
  [[ -d "$CASSANDRA_HOME_DIR/data/system" ]] || fresh=cold
  write_config
  jvm_args

  log "starting Cassandra $(cassandra_version) ($fresh start) on 127.0.0.1:$NATIVE_PORT (storage port $STORAGE_PORT, heap $HEAP, Java $JAVA_RUNTIME)"
  log "home $CASSANDRA_HOME_DIR"
  local started started_ms
  started=$SECONDS
  started_ms="$(now_ms)"
  # Keep the old logs of the previous run out of the readiness check.
  [[ -f "$SYSTEM_LOG" ]] && mv -f "$SYSTEM_LOG" "$SYSTEM_LOG.previous"
  : > "$STDOUT_LOG"
  # setsid: the node gets its own session, so neither Ctrl-C in this terminal nor a test runner that kills our
  # process group takes it down; it only ever stops through 'stop'. In a script (no job control) a background
  # job is not a process group leader, so setsid does not fork and $! is the JVM's pid.
  (cd "$CASSANDRA_HOME_DIR" && exec setsid "${LAUNCH_PREFIX[@]}" "$JAVA_BIN" "${JVM_ARGS[@]}" -cp "$LIB_DIR/*" \
      org.apache.cassandra.service.CassandraDaemon < /dev/null >> "$STDOUT_LOG" 2>&1 9>&-) &
  pid=$!
  printf '%s\n' "$pid" > "$PID_FILE"
  printf '%s\n' "$NATIVE_PORT" > "$CASSANDRA_HOME_DIR/cassandra.port"

  local version
  while true; do
    if ! kill -0 "$pid" 2>/dev/null; then
      wait "$pid" 2>/dev/null || true
      rm -f "$PID_FILE"
      show_log_tail
      die "Cassandra exited during start-up (see $SYSTEM_LOG)"
    fi
    # Query only once Cassandra has logged that the CQL server is up (or after 30 s, in case a future version
    # words it differently): a node process per poll costs CPU that the booting JVM needs on 2 cores.
    if { grep -q "$READY_LINE" "$SYSTEM_LOG" 2>/dev/null || (( SECONDS - started >= 30 )); } \
        && version="$(probe "$NATIVE_PORT")"; then
      break
    fi
    if (( SECONDS - started >= START_TIMEOUT )); then
      show_log_tail
      log "not ready after $START_TIMEOUT s; stopping it"
      cmd_stop >&2 || true
      die "Cassandra did not answer a query within $START_TIMEOUT s (AISLE_CASSANDRA_START_TIMEOUT)"
    fi
    sleep 0.5
  done
  log "ready: Cassandra $version answers on 127.0.0.1:$NATIVE_PORT (pid $pid), $fresh start took $(since "$started_ms") s"
}

# --- stop / status / logs / reset ------------------------------------------------------------------------------

cmd_stop() {
  local pid
  pid="$(running_pid)"
  if [[ -z "$pid" ]]; then
    log "not running (home $CASSANDRA_HOME_DIR)"
    return 0
  fi
  local started started_ms
  started=$SECONDS
  started_ms="$(now_ms)"
  log "stopping pid $pid (SIGTERM; Cassandra flushes memtables on the way out) ..."
  kill -TERM "$pid" 2>/dev/null || true
  local killed=0
  while kill -0 "$pid" 2>/dev/null; do
    if (( SECONDS - started >= STOP_TIMEOUT )); then
      log "still running after $STOP_TIMEOUT s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      killed=1
      sleep 1
      break
    fi
    sleep 0.5
  done
  rm -f "$PID_FILE" "$CASSANDRA_HOME_DIR/cassandra.port"
  if [[ "$killed" == 0 ]]; then
    publish_cds_archive
  else
    rm -f "$CASSANDRA_HOME_DIR/cds.jsa.tmp" "$CASSANDRA_HOME_DIR/cds.target"
  fi
  log "stopped in $(since "$started_ms") s"
}

cmd_status() {
  local pid port version
  pid="$(running_pid)"
  if [[ -z "$pid" ]]; then
    log "not running (home $CASSANDRA_HOME_DIR)"
    return 3
  fi
  port="$(running_port)"
  if version="$(probe "$port")"; then
    log "running: pid $pid, Cassandra $version on 127.0.0.1:$port, home $CASSANDRA_HOME_DIR"
  else
    log "running but not answering queries yet: pid $pid, port $port, home $CASSANDRA_HOME_DIR"
    return 1
  fi
}

cmd_logs() {
  local follow=() lines=100 arg
  for arg in "$@"; do
    case "$arg" in
      -f|--follow) follow=(-F) ;;
      ''|*[!0-9]*) die "usage: $0 logs [-f] [LINES]" ;;
      *) lines="$arg" ;;
    esac
  done
  [[ -f "$SYSTEM_LOG" ]] || die "no log yet at $SYSTEM_LOG"
  tail -n "$lines" "${follow[@]}" "$SYSTEM_LOG"
}

cmd_reset() {
  [[ -z "$(running_pid)" ]] || die "the node is running; stop it first"
  if [[ -d "$CASSANDRA_HOME_DIR" ]]; then
    rm -rf "$CASSANDRA_HOME_DIR"
    log "removed $CASSANDRA_HOME_DIR"
  else
    log "nothing to remove at $CASSANDRA_HOME_DIR"
  fi
}

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//'
}

# Serialises start/stop/restart/reset on one node folder: test runners often call 'start' from several processes
# at once; the later ones wait here and then find the node running. The JVM must not inherit the lock's fd (9).
lock_home() {
  command -v flock >/dev/null 2>&1 || return 0
  if [[ "$1" == start || "$1" == restart ]]; then
    mkdir -p "$CASSANDRA_HOME_DIR"
  elif [[ ! -d "$CASSANDRA_HOME_DIR" ]]; then
    return 0
  fi
  exec 9> "$CASSANDRA_HOME_DIR/.lock"
  flock -w "$((START_TIMEOUT + STOP_TIMEOUT))" 9 || die "another cassandra.sh holds $CASSANDRA_HOME_DIR/.lock"
}

main() {
  local cmd="${1:-help}"
  [[ $# -gt 0 ]] && shift
  case "$cmd" in
    start|stop|restart|reset) lock_home "$cmd" ;;
  esac
  case "$cmd" in
    install) cmd_install ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    restart) cmd_stop; cmd_start ;;
    status) cmd_status ;;
    logs) cmd_logs "$@" ;;
    reset) cmd_reset ;;
    java) select_java; printf '%s\n' "$JAVA_BIN" ;;
    help|-h|--help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
