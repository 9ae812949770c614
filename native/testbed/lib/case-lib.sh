# Helpers for testbed cases (bash, sourced; they run in dom0). Environment from stage 2:
#   TB_GUEST (g1 or empty), TB_GUEST_DOMID, TB_GUEST_TYPE, TB_GUEST_CONSOLE (its console log),
#   TB_GUEST_DISK (backing file of its xvda, or empty), TB_RATE (pages/s the workload dirties),
#   TB_TOOLS (dir with tb-dirty-rate), TB_OUT (a directory for the case's artifacts, copied
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

# Distinct pages the guest dirtied in SECONDS, per Xen's log-dirty bitmap.
tb_dirty_pages() {
  local out
  out=$("$TB_TOOLS/tb-dirty-rate" "$TB_GUEST_DOMID" "$1" 2>&1) || tb_fail "tb-dirty-rate: $out"
  tb_say "log-dirty over ${1}s: $out" >&2
  echo "$out" | sed -n 's/^dirty_pages=\([0-9]*\) .*/\1/p'
}
