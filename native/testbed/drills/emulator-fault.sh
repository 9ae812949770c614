# Drill, not a test: kills the guest the way the emulator does (xen-hvmcrash corrupts its vcpu
# state; Xen then reports a triple fault and applies on_crash/on_reboot) and fails with a lost
# guest, so that the run shows whether the host side classifies it EMULATOR_FAULT.
#   native/testbed/testbed.sh -t 90 native/testbed/drills/emulator-fault.sh   -> exit 3 expected
. "$TB_LIB"
tb_need_guest
tb_expect_advance console 30 3
/usr/lib/xen-4.17/bin/xen-hvmcrash "$TB_GUEST_DOMID"
for _ in $(seq 30); do tb_guest_alive || break; sleep 1; done
xl dmesg | tail -5
tb_fail "drill: guest crashed on purpose"
