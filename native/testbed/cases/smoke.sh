# smoke: the testbed itself works on the real Xen -- the guest runs, its workload dirties memory
# at the configured rate (per Xen's log-dirty bitmap, not per the guest's own word) and writes
# its counter through blkfront/blkback; xl pause stops all three; xl unpause resumes them.
# Runs in dom0 (testbed.sh cases/smoke.sh).
. "$TB_LIB"
tb_need_guest
tb_say "guest g1 domid $TB_GUEST_DOMID type $TB_GUEST_TYPE, workload $TB_RATE pages/s"

WINDOW=2
# a running guest dirties at least half the nominal rate (the workload paces itself on the
# guest clock; under emulation it may fall behind, never by half at this rate)
MIN_RUNNING=$((TB_RATE * WINDOW / 2))
# a paused guest runs nothing; Xen itself may touch a handful of its pages (shared info)
MAX_PAUSED=16

tb_expect_advance console 15 5
tb_expect_advance disk 15 3
dirty=$(tb_dirty_pages $WINDOW) || exit
[ "$dirty" -ge $MIN_RUNNING ] || tb_fail "running guest dirtied $dirty pages in ${WINDOW}s, expected >= $MIN_RUNNING"

xl pause g1 || tb_fail "xl pause g1 failed"
case "$(tb_guest_state)" in *p*) ;; *) tb_fail "after xl pause g1 is '$(tb_guest_state)', not paused";; esac
# xenconsoled may still be draining the console ring; let it settle before sampling
sleep 1
c1=$(tb_console_tick); d1=$(tb_disk_tick) || exit
dirty=$(tb_dirty_pages $WINDOW) || exit
c2=$(tb_console_tick); d2=$(tb_disk_tick) || exit
tb_say "paused: console $c1 -> $c2, disk $d1 -> $d2, dirty pages $dirty"
[ "$c1" = "$c2" ] || tb_fail "console counter moved while paused: $c1 -> $c2"
[ "$d1" = "$d2" ] || tb_fail "disk counter moved while paused: $d1 -> $d2"
[ "$dirty" -le $MAX_PAUSED ] || tb_fail "paused guest dirtied $dirty pages in ${WINDOW}s (max $MAX_PAUSED)"

xl unpause g1 || tb_fail "xl unpause g1 failed"
tb_expect_advance console 15 5
tb_expect_advance disk 15 3
dirty=$(tb_dirty_pages $WINDOW) || exit
[ "$dirty" -ge $MIN_RUNNING ] || tb_fail "unpaused guest dirtied $dirty pages in ${WINDOW}s, expected >= $MIN_RUNNING"
tb_guest_alive || tb_fail "g1 is not the same live domain at the end ('$(tb_guest_state)')"
tb_pass "counters advance, log-dirty sees the workload, pause stops it, unpause resumes it"
