# Helpers for testbed cases (bash, sourced; they run in dom0). Environment from stage 2:
#   TB_GUEST (g1 or empty), TB_GUEST_DOMID, TB_GUEST_TYPE, TB_GUEST_CONSOLE (its console log),
#   TB_GUEST_DISK (backing file of its xvda, or empty), TB_RATE (pages/s the workload dirties),
#   TB_TOOLS (dir with tb-logdirty), TB_OUT (a directory for the case's artifacts, copied
#   back), TB_JAVA_CP / TB_JAVA_WHY (classpath of the Java helpers, or why there is none).
#
# Exit codes a case uses (the host classifies with them):
#   0 pass; 1 our failure; 95 pending (what the case checks is not built yet);
#   97 the guest died or was replaced under the case (looked up in Xen's log: emulator fault?).

tb_up() { cut -d' ' -f1 /proc/uptime; }
tb_say() { echo "[$(tb_up)] $*"; }
tb_pass() { echo "CASE PASS: $*"; exit 0; }
tb_pending() { echo "CASE PENDING: $*"; exit 95; }

# The guest is "ours" only while it is the same domain in a live state: a new domid means it
# was rebuilt, c/s/d means it crashed or was shut down.
tb_guest_state() { xl list "$TB_GUEST" 2>/dev/null | awk 'NR==2{print $2, $5}'; }
tb_guest_alive() {
  local s; s=$(tb_guest_state)
  [ -n "$TB_GUEST_DOMID" ] && [ "${s% *}" = "$TB_GUEST_DOMID" ] && case "${s#* }" in *c*|*s*|*d*) false;; *) true;; esac
}

# A failed check while the guest is gone is reported as a lost guest (97): the host decides
# from Xen's log whether the emulator killed it. A check that fails with the guest alive is ours.
# On stderr, so a failure inside $(...) still shows; callers of such helpers add "|| exit".
tb_fail() {
  if [ -n "$TB_GUEST" ] && ! tb_guest_alive; then
    echo "CASE GUEST-LOST: $* (g1 now: '$(tb_guest_state)', was domid $TB_GUEST_DOMID)" >&2
    exit 97
  fi
  echo "CASE FAIL: $*" >&2
  exit 1
}

tb_need_guest() {
  [ -n "$TB_GUEST" ] || tb_fail "this case needs a guest (testbed.sh -g pvh|hvm)"
  tb_guest_alive || tb_fail "guest g1 not running at case start ('$(tb_guest_state)')"
}

# Last complete "GUEST tick N dirtied=D" line of the console log (a line still being written
# has no dirtied= yet, and a cut-off number would read as a smaller tick).
tb_console_tick() {
  tr -d '\r' < "$TB_GUEST_CONSOLE" 2>/dev/null | grep -a '^GUEST tick [0-9]* dirtied=[0-9]' | tail -1 | awk '{print $3}' | grep . || echo 0
}

# The counter the guest wrote to sector 0 of its disk, as the backend stored it.
tb_disk_tick() {
  [ -n "$TB_GUEST_DISK" ] || tb_fail "the guest has no disk (testbed.sh without -D)"
  dd if="$TB_GUEST_DISK" bs=512 count=1 2>/dev/null | tr -d '\0' | awk '$1=="KEMARI-DISK-TICK"{print $2}' | grep . || echo 0
}

# tb_expect_advance console|disk SECONDS MIN_DELTA: the counter grows by MIN_DELTA within SECONDS.
tb_expect_advance() {
  local what=$1 limit=$2 delta=$3 start now deadline
  start=$(tb_${what}_tick) || exit
  deadline=$(awk -v u="$(tb_up)" -v l="$limit" 'BEGIN{print u+l}')
  while :; do
    now=$(tb_${what}_tick) || exit
    [ "$now" -ge $((start + delta)) ] && { tb_say "$what counter advanced $start -> $now"; return 0; }
    awk -v u="$(tb_up)" -v d="$deadline" 'BEGIN{exit !(u>=d)}' && tb_fail "$what counter stuck: $start -> $now in ${limit}s (wanted +$delta)"
    sleep 0.5
  done
}

# Waits until the guest console log stops growing (1 s without change, at most 15 s):
# xenconsoled copies the console ring asynchronously, so lines a paused guest printed before
# the pause may still be on their way.
tb_console_settle() {
  local a b i
  for i in $(seq 15); do
    a=$(stat -c %s "$TB_GUEST_CONSOLE"); sleep 1; b=$(stat -c %s "$TB_GUEST_CONSOLE")
    [ "$a" = "$b" ] && return 0
  done
  tb_fail "console log of g1 still growing 15 s after the pause"
}

# The workload's cumulative page-write count: of the last complete tick line, or (with an
# argument D) of the first line printed after the one that said D.
tb_console_dirtied() {
  tr -d '\r' < "$TB_GUEST_CONSOLE" | sed -n 's/^GUEST tick [0-9]* dirtied=\([0-9][0-9]*\)$/\1/p' |
    if [ $# = 0 ]; then tail -1; else awk -v d="$1" '$1 > d {print; exit}'; fi | grep . || echo 0
}

# Pause/unpause that the case's exit undoes, so a failed case leaves g1 running for the next.
TB_PAUSED=0 TB_LOGDIRTY=0
tb_pause() {
  xl pause "$TB_GUEST" || tb_fail "xl pause $TB_GUEST failed"
  TB_PAUSED=1
  case "$(tb_guest_state)" in *p*) ;; *) tb_fail "after xl pause g1 is '$(tb_guest_state)', not paused";; esac
  tb_console_settle
}
tb_unpause() {
  xl unpause "$TB_GUEST" || tb_fail "xl unpause $TB_GUEST failed"
  TB_PAUSED=0
}

# tb_logdirty enable|clean|off through the C witness (tb-logdirty); clean prints the count.
tb_logdirty() {
  local out
  out=$("$TB_TOOLS/tb-logdirty" "$TB_GUEST_DOMID" "$1" 2>&1) || tb_fail "tb-logdirty $1: $out"
  case $1 in enable) TB_LOGDIRTY=1;; off) TB_LOGDIRTY=0;; clean) echo "$out";; esac
}

tb_restore() {
  [ "$TB_LOGDIRTY" = 1 ] && "$TB_TOOLS/tb-logdirty" "$TB_GUEST_DOMID" off
  [ "$TB_PAUSED" = 1 ] && xl unpause "$TB_GUEST"
  return 0
}
trap tb_restore EXIT
