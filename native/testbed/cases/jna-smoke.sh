# jna-smoke: the project's "xen" backend (org.kemari.xen.jna, through JNA) against the real Xen:
# domains, lookup, pause, unpause, log-dirty enable/clean/disable on the live guest g1, checked
# by java/org/kemari/testbed/XenSmoke.java. PENDING (not a pass) while the backend is not built.
# Runs in dom0 (testbed.sh cases/jna-smoke.sh).
. "$TB_LIB"
tb_need_guest
[ -n "$TB_JAVA_CP" ] || tb_pending "no Java helper: $TB_JAVA_WHY"
java=/usr/lib/jvm/java-17-openjdk-amd64/bin/java
[ -x "$java" ] || java=$(command -v java) || tb_fail "no java in dom0 (install openjdk-17-jre-headless on the host)"

# C1 and serial GC: a short-lived JVM under emulation spends most of its time compiling and
# starting GC threads otherwise
t=$(tb_up)
"$java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$TB_JAVA_CP" org.kemari.testbed.XenSmoke g1 "$TB_GUEST_CONSOLE" $((TB_WS_MIB * 256)) \
  > "$TB_OUT/xensmoke.log" 2>&1
rc=$?
cat "$TB_OUT/xensmoke.log"
tb_say "XenSmoke rc=$rc after $(awk -v a="$(tb_up)" -v b="$t" 'BEGIN{printf "%.1f", a-b}')s"
# whatever happened, leave g1 running for the next case
case "$(tb_guest_state)" in *p*) xl unpause g1; tb_fail "XenSmoke left g1 paused (rc=$rc)";; esac
last=$(grep -E '^(PASS|FAIL|PENDING)' "$TB_OUT/xensmoke.log" | tail -1)
case $rc in
  0) tb_guest_alive || tb_fail "g1 is not the same live domain after XenSmoke"
     tb_pass "${last#PASS: }";;
  95) tb_pending "${last#PENDING: }";;
  *) tb_fail "XenSmoke rc=$rc: ${last:-$(tail -1 "$TB_OUT/xensmoke.log")}";;
esac
