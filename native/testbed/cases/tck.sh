# tck: the hypervisor TCK (xen-bridge's HypervisorTck, as jna/XenTckTest) on the project's "xen"
# backend against the real Xen, run in dom0 by java/org/kemari/testbed/tck/TckLauncher. The
# running guest g1 is lent to every case (-Dkemari.tck.xen.guest); blank replicas and PV domains
# are made with xl from g1's own config. One line per TCK case in the log: PASS, FAIL, or SKIP
# with the reason the case cannot run on this Xen. PENDING while the test classes are not built.
# KEMARI_TB_TCK_SUITES (on the host) narrows the run to some suites, e.g. "LogDirty Contexts".
. "$TB_LIB"
tb_need_guest
[ -n "$TB_TCK_CP" ] || tb_pending "no TCK classpath: $TB_TCK_WHY"
java=/usr/lib/jvm/java-17-openjdk-amd64/bin/java
[ -x "$java" ] || java=$(command -v java) || tb_fail "no java in dom0 (install openjdk-17-jre-headless on the host)"

# g1's config without its disk: the TCK's blank replicas must not attach g1's writable image
[ -r /xshare/out/g1.cfg ] || tb_fail "no /xshare/out/g1.cfg: stage 2 writes g1's config there"
sed '/^disk/d' /xshare/out/g1.cfg > "$TB_OUT/workload.cfg"
# an empty PV domain for the PV cases (never run: xl create -p only); 128 MiB because Debian's
# kernel alone needs ~58 MiB to be loaded (xl refused 32)
{ echo 'name = "tck-pv"'; echo 'type = "pv"'; echo "kernel = \"$TB_KERNEL\""; echo "memory = 128"; echo 'vcpus = 1'; } \
  > "$TB_OUT/pv.cfg"

t=$(tb_up)
tb_say "TCK launcher starts (its lines' @ times count from here)"
# C1 and serial GC: under emulation C2 has crashed the JVM with SIGILL, and a short-lived JVM
# spends its time compiling and starting GC threads otherwise
# shellcheck disable=SC2086
"$java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
  -Dkemari.tck.xen.guest="$TB_GUEST" -Dkemari.tck.xen.config="$TB_OUT/workload.cfg" \
  -Dkemari.tck.xen.pvConfig="$TB_OUT/pv.cfg" -Dkemari.tck.xen.progressTimeoutSeconds=45 \
  -cp "$TB_TCK_CP" org.kemari.testbed.tck.TckLauncher org.kemari.xen.jna.XenTckTest ${TB_TCK_SUITES:-} \
  > "$TB_OUT/tck.log" 2>&1
rc=$?
grep -E '^(PASS|FAIL|SKIP|TOTAL) ' "$TB_OUT/tck.log"
tb_say "TCK launcher rc=$rc after $(awk -v a="$(tb_up)" -v b="$t" 'BEGIN{printf "%.1f", a-b}')s"
# whatever happened, leave g1 running for the next case
case "$(tb_guest_state)" in *p*) xl unpause "$TB_GUEST"; tb_fail "the TCK left $TB_GUEST paused (rc=$rc)";; esac
total=$(grep '^TOTAL ' "$TB_OUT/tck.log")
case $rc in
  0) tb_guest_alive || tb_fail "g1 is not the same live domain after the TCK"
     tb_pass "$total";;
  *) first=$(grep -m1 '^FAIL ' "$TB_OUT/tck.log")
     tb_fail "TCK rc=$rc: ${first:-$(tail -1 "$TB_OUT/tck.log")}${total:+ ($total)}";;
esac
