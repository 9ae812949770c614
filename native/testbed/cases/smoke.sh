# smoke: the testbed itself works on the real Xen -- the guest runs; its counter advances on
# the console and on its disk (through blkfront/blkback); xl pause stops both and Xen's
# log-dirty bitmap then shows (almost) no dirty page; after xl unpause both advance again and
# the bitmap holds at least every page the workload says it wrote. Runs in dom0
# (testbed.sh cases/smoke.sh); the log-dirty witness is the C tool tb-logdirty.
#
# The dirty-page check is exact, not a rate: the window is bounded by two pauses, and the
# workload's own console lines give a lower bound of its page writes inside it (from the first
# line after the opening pause -- a tick may have written its pages just before the pause and
# printed them just after -- to the last line before the closing pause), whatever the load.
. "$TB_LIB"
tb_need_guest
tb_say "guest g1 domid $TB_GUEST_DOMID type $TB_GUEST_TYPE, workload $TB_RATE pages/s over $TB_WS_MIB MiB"
WS_PAGES=$((TB_WS_MIB * 256))
# a paused guest runs nothing; Xen itself may still touch a handful of its pages (shared info)
MAX_PAUSED=16

tb_expect_advance console 30 5
tb_expect_advance disk 30 3

tb_pause
c1=$(tb_console_tick); k1=$(tb_disk_tick) || exit; d1=$(tb_console_dirtied)
tb_logdirty enable
tb_logdirty clean > /dev/null
sleep 2
paused=$(tb_logdirty clean) || exit
c2=$(tb_console_tick); k2=$(tb_disk_tick) || exit
tb_say "paused 2 s: console tick $c1 -> $c2, disk tick $k1 -> $k2, $paused dirty pages"
[ "$c1" = "$c2" ] || tb_fail "console counter moved while paused: $c1 -> $c2"
[ "$k1" = "$k2" ] || tb_fail "disk counter moved while paused: $k1 -> $k2"
[ "$paused" -le $MAX_PAUSED ] || tb_fail "paused guest dirtied $paused pages in 2 s (max $MAX_PAUSED)"

tb_unpause
tb_expect_advance console 30 5
tb_expect_advance disk 30 2
tb_pause
seen=$(tb_logdirty clean) || exit
tb_logdirty off
d2=$(tb_console_dirtied); first=$(tb_console_dirtied "$d1")
tb_unpause
writes=$((d2 - first))
want=$(( writes < WS_PAGES - 1 ? writes : WS_PAGES - 1 ))
tb_say "running window: workload wrote >= $writes pages (dirtied $d1, next line $first, last $d2), log-dirty saw $seen"
[ "$writes" -gt 0 ] || tb_fail "the workload wrote no page between the pauses (dirtied $first -> $d2)"
[ "$seen" -ge "$want" ] || tb_fail "log-dirty saw $seen dirty pages, the workload wrote at least $want distinct ones"

tb_expect_advance console 30 3
tb_guest_alive || tb_fail "g1 is not the same live domain at the end ('$(tb_guest_state)')"
tb_pass "counters advance; paused: no tick, $paused dirty pages; running: log-dirty saw $seen >= $want pages written"
