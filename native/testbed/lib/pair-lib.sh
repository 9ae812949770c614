# Helpers for cases that run a Kemari pair in dom0 (both daemons on this host over 127.0.0.1,
# memory only: tap: [], unsafe: true, unless the case writes configs of its own). Sourced after
# case-lib.sh. The case sets W (a work directory), and may set PAIR_FAIL (the function that
# reports a failure, default tb_fail), PAIR_NAME (the pair, default g1), PAIR_RX_CONFIG and
# PAIR_PX_CONFIG (each daemon's config, default $W/g1.yaml) and PAIR_PX_ARGS (more arguments
# for protect). Publishes RX and PX, the pids of `kemari receive` and `kemari protect`.

PAIR_FAIL=${PAIR_FAIL:-tb_fail}
PAIR_NAME=${PAIR_NAME:-g1}
RX="" PX=""
# C2 dies with SIGILL under this emulator; serial GC: two JVMs share dom0's two vcpus
PAIR_JOPTS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx384m -XX:MaxDirectMemorySize=256m"
# pair_jfr NAME: with TB_JFR=1 (testbed.sh's KEMARI_TB_JFR), the options that record that daemon's
# profile to $TB_OUT/NAME.jfr when it stops (docs/testbed.md, "Budget"); nothing otherwise. The
# recording's repository is in $TB_OUT too: a daemon cut by the case limit leaves no NAME.jfr,
# but its chunk there, flushed every second, still reads with `jfr print`.
pair_jfr() {
  [ "${TB_JFR:-0}" != 1 ] || echo "-XX:FlightRecorderOptions:repository=$TB_OUT/$1-jfr" \
    "-XX:StartFlightRecording=settings=default,filename=$TB_OUT/$1.jfr,dumponexit=true"
}

# pair_need: java, the kemari jar, the Java helpers and dom0's loopback, or PENDING/FAIL.
pair_need() {
  [ -n "$TB_JAVA_CP" ] || tb_pending "no Java helper: $TB_JAVA_WHY"
  PAIR_JAR=$TB_REPO/xm-plugin/target/kemari.jar
  [ -f "$PAIR_JAR" ] || tb_pending "$PAIR_JAR not built (mvn -B package)"
  PAIR_JAVA=/usr/lib/jvm/java-17-openjdk-amd64/bin/java
  [ -x "$PAIR_JAVA" ] || PAIR_JAVA=$(command -v java) || tb_fail "no java in dom0 (install openjdk-17-jre-headless on the host)"
  # dom0's loopback is down in the testbed's minimal init; the pair talks over 127.0.0.1
  ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up || tb_fail "cannot bring up lo in dom0"
  mkdir -p "$W/primary" "$W/secondary"
}

# pair_config PORT INTERVAL MAX_IN_FLIGHT HEARTBEAT_TIMEOUT: $W/g1.yaml for guest g1, primary on
# PORT, secondary on PORT+1, replica g1-replica built from $W/g1-replica.cfg (the case writes it).
pair_config() {
  cat > "$W/g1.yaml" <<YAML
pair: g1
domain: g1
primary: 127.0.0.1:$1
secondary: 127.0.0.1:$(($1 + 1))
backend: xen
sync:
  mode: periodic
  interval: $2
  max-in-flight: $3
heartbeat:
  interval: 1s
  timeout: $4
tap: []
unsafe: true
compression: lz4-delta
replica:
  xl-config: $W/g1-replica.cfg
  name: g1-replica
security:
  insecure: true
YAML
  cp "$W/g1.yaml" "$W/g1-replica.cfg" "$TB_OUT/"
}

pair_kemari() { "$PAIR_JAVA" $PAIR_JOPTS -jar "$PAIR_JAR" "$@"; }

# pair_start: the receiver (until it listens, 120 s at most, 300 s with JFR), then the primary.
pair_start() {
  pair_start_receiver
  pair_start_primary
}

pair_start_receiver() {
  local deadline
  # exec: $! must be the JVM itself, or a SIGSTOP (the case freezing a "dead" primary) would stop
  # only the subshell around it
  (exec "$PAIR_JAVA" $PAIR_JOPTS $(pair_jfr receive) -jar "$PAIR_JAR" receive -e --config "${PAIR_RX_CONFIG:-$W/g1.yaml}" \
      --state-dir "$W/secondary") > "$TB_OUT/receive.log" 2>&1 &
  RX=$!
  # with JFR (KEMARI_TB_JFR=1) the JVM spent 53-89 s under emulation before it ran kemari (2026-12-07)
  local listen_s=120
  [ "${TB_JFR:-0}" != 1 ] || listen_s=300
  deadline=$(( $(cut -d. -f1 /proc/uptime) + listen_s ))
  until grep -q "listening on" "$TB_OUT/receive.log"; do
    kill -0 "$RX" 2>/dev/null || $PAIR_FAIL "kemari receive exited: $(tail -3 "$TB_OUT/receive.log")"
    [ "$(cut -d. -f1 /proc/uptime)" -lt $deadline ] || $PAIR_FAIL "kemari receive not listening after $listen_s s"
    sleep 0.5
  done
}

pair_start_primary() {
  # shellcheck disable=SC2086
  (exec "$PAIR_JAVA" $PAIR_JOPTS $(pair_jfr protect) -jar "$PAIR_JAR" protect -e --config "${PAIR_PX_CONFIG:-$W/g1.yaml}" \
      --state-dir "$W/primary" ${PAIR_PX_ARGS:-}) > "$TB_OUT/protect.log" 2>&1 &
  PX=$!
}

pair_epoch() { sed -n 's/^epoch=//p' "$W/$1/$PAIR_NAME.state" 2>/dev/null | grep . || echo -1; }
pair_phase() { sed -n 's/^phase=//p' "$W/$1/$PAIR_NAME.state" 2>/dev/null; }

# pair_stages primary|secondary: that daemon's stage times from `kemari status --json` (kept in
# $TB_OUT/status-SIDE.json), one line per stage in ms; the JSON's field order is its contract
# (docs/kemari.1.md), so no JSON tool is needed in dom0. While the daemon runs only.
pair_stages() {
  local json="$TB_OUT/status-$1.json"
  pair_kemari status --json --pair "$PAIR_NAME" --state-dir "$W/$1" > "$json" || { tb_say "kemari status --json failed for the $1"; return 0; }
  grep -o '"[a-z-]*":{"count":[0-9]*,"window":[0-9]*,"p50_ns":[0-9]*,"p90_ns":[0-9]*,"p99_ns":[0-9]*,"max_ns":[0-9]*' "$json" \
    | awk -F'[":,{]+' -v side="$1" 'BEGIN { printf "%-9s %-14s %7s %9s %9s %9s %9s\n", side, "stage", "count", "p50 ms", "p90 ms", "p99 ms", "max ms" }
        { printf "%-9s %-14s %7d %9.3f %9.3f %9.3f %9.3f\n", side, $2, $4, $8 / 1e6, $10 / 1e6, $12 / 1e6, $14 / 1e6 }'
}

# pair_wait_epoch primary|secondary N SECONDS: until that side's published epoch reaches N.
pair_wait_epoch() {
  local n=0 deadline=$(( $(cut -d. -f1 /proc/uptime) + $3 ))
  until [ "$(pair_epoch "$1")" -ge "$2" ]; do
    kill -0 "$RX" 2>/dev/null || $PAIR_FAIL "kemari receive exited: $(tail -3 "$TB_OUT/receive.log")"
    kill -0 "$PX" 2>/dev/null || $PAIR_FAIL "kemari protect exited: $(tail -3 "$TB_OUT/protect.log")"
    # a guest the emulator killed (Xen: Triple fault) would otherwise cost the whole wait
    tb_guest_alive || tb_fail "$TB_GUEST died while $1 was at epoch $(pair_epoch "$1"); protect: $(tail -1 "$TB_OUT/protect.log")"
    [ "$(cut -d. -f1 /proc/uptime)" -lt $deadline ] \
      || $PAIR_FAIL "$1 at epoch $(pair_epoch "$1") ($(pair_phase "$1")) after $3 s, wanted $2; protect: $(tail -2 "$TB_OUT/protect.log")"
    n=$((n + 1)); [ $((n % 60)) = 0 ] && tb_say "waiting: $1 at epoch $(pair_epoch "$1") ($(pair_phase "$1"))"
    sleep 0.5
  done
}

# pair_stop_pid PID SECONDS: SIGTERM (after SIGCONT, for a frozen one), SIGKILL if still there.
pair_stop_pid() {
  local pid=$1 i
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -CONT "$pid" 2>/dev/null; kill -TERM "$pid"
  for i in $(seq $(($2 * 2))); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
  tb_say "pid $pid ignored SIGTERM for $2 s; SIGKILL"
  kill -KILL "$pid"
}
