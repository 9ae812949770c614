# hvm-failover: failover on the real Xen of an HVM guest without PV drivers (testbed.sh -g
# hvm-nopv: xen_platform_pci=0, kernel nopv, so HVM_PARAM_CALLBACK_IRQ stays 0 and the guest
# binds no event channel). `kemari receive` and `kemari protect` run in dom0 over 127.0.0.1 in
# memory-only mode (tap: [], unsafe: true); the receiver builds the paused replica g1-replica
# with `xl create -p` of g1's config with the serial console to its own file. After some
# committed epochs the primary host "dies": its daemon is frozen (SIGSTOP: it neither closes the
# link nor sends END) and g1 is destroyed with xl destroy. No epoch can commit after that, so the
# paused replica holds the last committed epoch: the dirtier's counter is read from its memory
# (DirtierCounter). Then `kemari failover` activates the replica (HVM params, QEMU device state,
# unpause) and the replica's own serial console must continue from that counter (the dirtier
# prints the value it finds +1, or the value itself if the epoch caught it between storing and
# printing) and keep advancing. Runs in dom0: testbed.sh -g hvm-nopv -t 900 cases/hvm-failover.sh
. "$TB_LIB"
W=/run/kemari-hvm-failover
PAIR_FAIL=fail
# shellcheck source=../lib/pair-lib.sh
. "$TB_HOME/lib/pair-lib.sh"
tb_need_guest
[ "$TB_GUEST_TYPE" = hvm-nopv ] || tb_fail "this case needs an HVM guest without PV drivers (testbed.sh -g hvm-nopv), got $TB_GUEST_TYPE"
pair_need
EPOCHS=${KEMARI_HVMFO_EPOCHS:-20}
SYNC_S=${KEMARI_HVMFO_SYNC_S:-900}
RCON=/var/log/xen/guest-g1-replica-serial.log

# the replica: g1's shape, its own name (from the pair config) and its own serial log (QEMU
# truncates a file: chardev it opens, which would wipe g1's console)
sed -e '/^disk/d; /^name/d' -e "s|^serial = .*|serial = \"file:$RCON\"|" /xshare/out/g1.cfg > "$W/g1-replica.cfg"
# heartbeat timeout long: the case, not the timeout, decides when to fail over (after reading
# the paused replica's memory)
pair_config 8111 200ms 4 300s
lsevtchn "$TB_GUEST_DOMID" > "$TB_OUT/lsevtchn-g1.txt" 2>&1

# dom0 loaded by two JVMs next to a guest on the same pCPUs is when the emulator's guest triple
# faults came (docs/testbed.md); apart they were not seen
xl vcpu-pin Domain-0 all 0 && xl vcpu-pin g1 all 1 && tb_say "pinned dom0 to pCPU 0, g1 to pCPU 1"

PRIMARY_DEAD=0
# after the primary is destroyed on purpose a failure is ours, not a lost guest (tb_fail would say 97)
fail() { [ "$PRIMARY_DEAD" = 1 ] && { echo "CASE FAIL: $*" >&2; exit 1; }; tb_fail "$@"; }
replica_qemu() { xenstore-read "/local/domain/$(xl domid g1-replica 2>/dev/null)/image/device-model-pid" 2>/dev/null; }
cleanup() {
  [ -n "$PX" ] && kill -KILL "$PX" 2>/dev/null
  pair_stop_pid "$RX" 30
  local q; q=$(replica_qemu)
  xl list g1-replica > /dev/null 2>&1 && { tb_say "destroying g1-replica"; xl destroy g1-replica; }
  xl vcpu-pin Domain-0 all all
  [ -n "$q" ] && kill -0 "$q" 2>/dev/null && { tb_say "replica QEMU $q outlived xl destroy: killing it"; kill -KILL "$q"; }
  tb_restore
}
trap cleanup EXIT

since() { awk -v a="$(tb_up)" -v b="$1" 'BEGIN{printf "%.1f", a-b}'; }
replica_ticks() { tr -d '\r' < "$RCON" 2>/dev/null | sed -n 's/^GUEST tick \([0-9][0-9]*\) dirtied=[0-9][0-9]*$/\1/p'; }

t0=$(tb_up)
pair_start
pair_wait_epoch primary 1 "$SYNC_S"
tb_say "initial sync done $(since "$t0") s after the receiver started"
grep -a "failover to it will be refused" "$TB_OUT/protect.log" && fail "kemari says this guest cannot fail over (see above)"
pair_wait_epoch secondary "$EPOCHS" 600
tb_say "secondary committed epoch $(pair_epoch secondary)"
xl list | tee "$TB_OUT/xl-list-protected.txt"

# the primary host dies
kill -STOP "$PX"
xl destroy g1 || fail "xl destroy g1 failed"
PRIMARY_DEAD=1
# epochs the primary sent before it froze may still be in the socket or being applied (up to
# max-in-flight of them): the replica's last committed epoch is the one at which this settles
e=$(pair_epoch secondary) still=0 deadline=$(( $(cut -d. -f1 /proc/uptime) + 180 ))
while [ $still -lt 15 ]; do
  [ "$(cut -d. -f1 /proc/uptime)" -lt $deadline ] || fail "the secondary's epoch kept moving for 180 s after the primary froze (now $e)"
  sleep 1
  n=$(pair_epoch secondary)
  if [ "$n" = "$e" ]; then still=$((still + 1)); else e=$n still=0; fi
done
primary_last=$(tb_console_tick)
tb_say "primary gone: kemari protect frozen, g1 destroyed; secondary at epoch $e ($(pair_phase secondary)); g1's console last said tick $primary_last"
counter=$("$PAIR_JAVA" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$TB_JAVA_CP" org.kemari.testbed.DirtierCounter g1-replica 2>&1) \
  || fail "cannot read the dirtier's counter in the paused replica: $counter"
[ "$(pair_epoch secondary)" = "$e" ] || fail "the secondary committed epoch $(pair_epoch secondary) after the primary died (was $e)"
case "$(xl list g1-replica | awk 'NR==2{print $5}')" in *p*) ;; *) fail "g1-replica is not paused before failover";; esac
c=${counter##* }
tb_say "replica (paused, epoch $e): dirtier header $counter"
[ "$c" -le $((primary_last + 1)) ] || fail "the replica's counter $c is ahead of anything g1 ran (its console's last tick: $primary_last)"
[ "$c" -gt 0 ] || fail "the replica's counter is $c: no epoch carried the running workload"

t1=$(tb_up)
pair_kemari failover --config "$W/g1.yaml" --state-dir "$W/secondary" > "$TB_OUT/failover.log" 2>&1
frc=$?
cat "$TB_OUT/failover.log"
[ "$frc" = 7 ] || fail "kemari failover exited $frc (want 7 FAILED_OVER): $(tail -1 "$TB_OUT/failover.log"); receive: $(tail -2 "$TB_OUT/receive.log")"
tb_say "kemari failover returned after $(since "$t1") s; phase $(pair_phase secondary)"
grep -a "replica dom" "$TB_OUT/receive.log" | tail -5

deadline=$(( $(cut -d. -f1 /proc/uptime) + 120 ))
until [ -n "$(replica_ticks | head -1)" ]; do
  [ "$(cut -d. -f1 /proc/uptime)" -lt $deadline ] || fail "the replica printed no tick within 120 s of failover ($(xl list g1-replica | tail -1)); its console: $(tail -c 300 "$RCON" | tr -d '\r')"
  sleep 0.5
done
first=$(replica_ticks | head -1)
tb_say "replica's first tick $first, $(since "$t1") s after kemari failover started"
[ "$first" = "$c" ] || [ "$first" = $((c + 1)) ] \
  || fail "the replica continued at tick $first, not from the committed counter $c (expected $c or $((c + 1)))"
deadline=$(( $(cut -d. -f1 /proc/uptime) + 90 ))
until [ "$(replica_ticks | tail -1)" -ge $((first + 5)) ]; do
  [ "$(cut -d. -f1 /proc/uptime)" -lt $deadline ] || fail "the replica's counter stuck at $(replica_ticks | tail -1) (first $first)"
  sleep 0.5
done
last=$(replica_ticks | tail -1)
xl list | tee "$TB_OUT/xl-list-failed-over.txt"
cp "$RCON" "$TB_OUT/replica-serial.log"
tb_pass "failover at epoch $e: committed counter $c, replica console continued at $first and reached $last (g1 had printed $primary_last)"
