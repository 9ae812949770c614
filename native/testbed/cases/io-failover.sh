# io-failover: Kemari proper on the real Xen. An HVM guest without PV drivers (testbed.sh -g
# hvm-nopv), io1, gets an emulated IDE disk and e1000 from QEMU (device_model_args_hvm, the
# line `kemari config check` prints) and runs kemari-iowriter: self-describing block writes to
# /dev/sda, each acknowledged by an Ethernet frame once written (docs/checker.md). Kemari serves
# the disk to QEMU over NBD from each host's own image (the primary's in `kemari protect
# --create`, which builds io1 once its server is up; the secondary's in `kemari receive`), and
# holds every frame io1 sends until the epoch that produced it is acknowledged (tap: net, event
# mode); released frames go to the external checker, CheckerMain, a process of its own in dom0.
# After at least KEMARI_IO_EPOCHS epochs with acknowledgements flowing, the primary host dies:
#   kill:   xl pause io1, SIGKILL of the protect daemon, xl destroy io1 (IO_MODE=kill, default)
#   freeze: SIGSTOP of the protect daemon; io1 is left to itself (IO_MODE=freeze, io-freeze.sh)
# The secondary fails over by itself (heartbeat timeout, witness lease), restarts the replica's
# QEMU on its own image and socket, sends the last committed epoch's held frames and unpauses
# it. The replica must go on writing and acknowledging; then it is paused, and the checker's
# verdict must be PASS: no acknowledged write lost (the secondary's image audited block by
# block), no gap or divergence in the acknowledgements, one writer at a time.
# Runs in dom0, as the last case of a boot: testbed.sh -g hvm-nopv -t 1800 cases/io-failover.sh
. "$TB_LIB"
IO_MODE=${IO_MODE:-kill}
W=/run/kemari-io-$IO_MODE
PAIR_FAIL=fail
PAIR_NAME=io1
PAIR_RX_CONFIG=$W/secondary.yaml
PAIR_PX_CONFIG=$W/primary.yaml
PAIR_PX_ARGS="--create $W/io1.cfg"
# shellcheck source=../lib/pair-lib.sh
. "$TB_HOME/lib/pair-lib.sh"
tb_need_guest
[ "$TB_GUEST_TYPE" = hvm-nopv ] || tb_fail "this case needs an HVM guest without PV drivers (testbed.sh -g hvm-nopv), got $TB_GUEST_TYPE"
pair_need
EPOCHS=${KEMARI_IO_EPOCHS:-50}
# acknowledged writes the replica must add after the failover
AFTER=${KEMARI_IO_AFTER:-20}
DISK_MIB=16
CHECKER_PORT=9411
# in the case's own directory, which the host sees while the case runs
CON=$TB_OUT/io1-serial.log
RCON=$TB_OUT/io1-replica-serial.log
mkdir -p "$W/p" "$W/s"
truncate -s ${DISK_MIB}M "$W/p/disk.img" "$W/s/disk.img"
rm -f "$CON" "$RCON"

PRIMARY_DEAD=0
# once the primary was killed on purpose, a failure is ours, not a lost guest
fail() { [ "$PRIMARY_DEAD" = 1 ] && { echo "CASE FAIL: $*" >&2; exit 1; }; tb_fail "$@"; }
CK=""
cleanup() {
  [ -n "$PX" ] && kill -KILL "$PX" 2>/dev/null
  pair_stop_pid "$RX" 30
  [ -n "$CK" ] && kill -KILL "$CK" 2>/dev/null
  local d
  for d in io1 io1-replica; do xl list "$d" > /dev/null 2>&1 && { tb_say "destroying $d"; xl destroy "$d"; }; done
  xl vcpu-pin Domain-0 all all
  tb_restore
}
trap cleanup EXIT

# the testbed's own guest is not part of this case: its CPU and memory go to io1 and its replica
xl destroy "$TB_GUEST" 2>/dev/null && tb_say "destroyed $TB_GUEST: this case builds its own guest"

# each host's half of the pair: the same pair, its own image, NBD socket and NIC socket
side_config() {
  cat > "$W/$1.yaml" <<YAML
pair: io1
domain: io1
primary: 127.0.0.1:8121
secondary: 127.0.0.1:8122
backend: xen
sync:
  mode: event
heartbeat:
  interval: 500ms
  timeout: 5s
witness:
  lease-file: $W/lease
  lease-duration: 3s
tap: net
devices:
  disk: $W/$2/disk.img
  nbd: $W/$2/disk.nbd
  netdev: $W/$2/net.sock
  net: 127.0.0.1:$CHECKER_PORT
replica:
  xl-config: $W/io1-replica.cfg
  name: io1-replica
security:
  insecure: true
YAML
}
side_config primary p
side_config secondary s
# the QEMU line each side's xl config needs, as kemari prints it
dm_args() {
  pair_kemari config check "$W/$1.yaml" > "$W/$1.check" 2>&1 || fail "kemari config check $1.yaml: $(tail -1 "$W/$1.check")"
  grep '^  device_model_args_hvm = ' "$W/$1.check" | sed 's/^  //' | grep . || fail "config check printed no device_model_args_hvm line: $(cat "$W/$1.check")"
}
# io1: g1's kernel, initramfs and memory, a smaller working set for the dirtier beside the io
# workload, in ordinary RAM
base() {
  sed -e '/^name/d; /^serial/d; /^disk/d' \
      -e 's/ memmap=[^ "]*//; s/ iomem=relaxed//; s/ kemari\.phys=[^ "]*//; s/kemari\.ws=[0-9]*/kemari.ws=8/' \
      -e 's/^extra = "\(.*\)"$/extra = "\1 kemari.io=1"/' /xshare/out/g1.cfg
}
{ echo 'name = "io1"'; base; echo "serial = \"file:$CON\""; dm_args primary; } > "$W/io1.cfg" || exit
{ base; echo "serial = \"file:$RCON\""; dm_args secondary; } > "$W/io1-replica.cfg" || exit
grep -q 'kemari.io=1' "$W/io1.cfg" || fail "g1's config has no extra line to add kemari.io=1 to: $(cat /xshare/out/g1.cfg)"
cp "$W"/*.yaml "$W"/*.cfg "$TB_OUT/"

(exec "$PAIR_JAVA" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx64m -cp "$PAIR_JAR" org.kemari.check.CheckerMain \
    --listen "127.0.0.1:$CHECKER_PORT" --disk "$W/s/disk.img" --progress "$W/acked" --stop "$W/stop") > "$TB_OUT/checker.log" 2>&1 &
CK=$!
deadline=$(( $(cut -d. -f1 /proc/uptime) + 120 ))
until grep -q "listening on" "$TB_OUT/checker.log"; do
  kill -0 "$CK" 2>/dev/null || fail "the checker exited: $(tail -3 "$TB_OUT/checker.log")"
  [ "$(cut -d. -f1 /proc/uptime)" -lt $deadline ] || fail "the checker is not listening after 120 s"
  sleep 0.5
done
acked() { cat "$W/acked" 2>/dev/null || echo 0; }

# The primary first, the receiver once io1 is writing: as an administrator starts a pair for a
# guest that runs (until a secondary answers, io1's frames go out unheld and its writes are only
# on the primary's disk, which the initial copy then brings over). Kemari's first epochs taken
# while the guest was still in its firmware left it there (two runs, 2026-12-07): not explained
# yet, see docs/testbed.md.
t0=$(tb_up)
pair_start_primary
deadline=$(( $(cut -d. -f1 /proc/uptime) + 300 ))
until xl domid io1 > /dev/null 2>&1; do
  kill -0 "$PX" 2>/dev/null || fail "kemari protect --create exited: $(tail -3 "$TB_OUT/protect.log")"
  [ "$(cut -d. -f1 /proc/uptime)" -lt $deadline ] || fail "kemari protect did not create io1 within 300 s: $(tail -2 "$TB_OUT/protect.log")"
  sleep 0.5
done
export TB_GUEST=io1 TB_GUEST_DOMID; TB_GUEST_DOMID=$(xl domid io1)
tb_say "io1 is dom $TB_GUEST_DOMID, created by kemari protect $(awk -v a="$(tb_up)" -v b="$t0" 'BEGIN{printf "%.1f", a-b}') s after it started"
xl vcpu-pin Domain-0 all 0 && xl vcpu-pin io1 all 1 && tb_say "pinned dom0 to pCPU 0, io1 to pCPU 1"
# the e1000 took 25-85 s of guest time to load under emulation; the first write follows
deadline=$(( $(cut -d. -f1 /proc/uptime) + 900 ))
n=0
until [ "$(acked)" -ge 5 ]; do
  tb_guest_alive || tb_fail "io1 died before its first acknowledgements"
  kill -0 "$PX" 2>/dev/null || fail "kemari protect exited: $(tail -3 "$TB_OUT/protect.log")"
  n=$((n + 1))
  [ $((n % 60)) = 0 ] && tb_say "waiting for acknowledgements: io1 $(xl list io1 | awk 'NR==2{print $5}'), QEMU" \
    "$(timeout 20 xl qemu-monitor-command io1 'info status' 2>&1 | tr -d '\r' | tr '\n' ' '); console: $(tr -d '\r' < "$CON" | grep -a GUEST | tail -1)"
  [ "$(cut -d. -f1 /proc/uptime)" -lt $deadline ] \
    || fail "the checker has $(acked) acknowledged writes 900 s after io1 was created; io1's console ends: $(tr -d '\r' < "$CON" | tail -c 400)"
  sleep 1
done
tb_say "acknowledgements flow, unprotected: $(acked); starting the receiver"
t1=$(tb_up)
pair_start_receiver

# the memory sync, then the live disk copy; the pair is protected once both have arrived
deadline=$(( $(cut -d. -f1 /proc/uptime) + 1200 ))
until grep -aq "protected from" "$TB_OUT/protect.log"; do
  kill -0 "$PX" 2>/dev/null || fail "kemari protect exited: $(tail -3 "$TB_OUT/protect.log")"
  tb_guest_alive || tb_fail "io1 died during the initial synchronisation"
  [ "$(cut -d. -f1 /proc/uptime)" -lt $deadline ] || fail "not protected 1200 s after the start: $(tail -2 "$TB_OUT/protect.log")"
  sleep 1
done
tb_say "protected $(awk -v a="$(tb_up)" -v b="$t1" 'BEGIN{printf "%.1f", a-b}') s after the receiver started: $(grep -a 'whole disk' "$TB_OUT/protect.log" | tail -1)"
e0=$(pair_epoch secondary)
pair_wait_epoch secondary $((e0 + EPOCHS)) 1500
before=$(acked) epoch=$(pair_epoch secondary)
pair_stages primary > "$TB_OUT/stages.txt"; pair_stages secondary >> "$TB_OUT/stages.txt"

# the primary host dies
kill_ms=$(date +%s%3N) t_kill=$(tb_up)
case $IO_MODE in
  kill)
    xl pause io1; kill -KILL "$PX"; xl destroy io1
    tb_say "primary killed: io1 paused, kemari protect SIGKILLed, io1 destroyed";;
  freeze)
    kill -STOP "$PX"
    tb_say "primary frozen: kemari protect SIGSTOPped; io1 left running without its disk server and NIC";;
  *) fail "IO_MODE $IO_MODE: expected kill or freeze";;
esac
PRIMARY_DEAD=1
tb_say "at the death: $before acknowledged writes, secondary at epoch $epoch"

deadline=$(( $(cut -d. -f1 /proc/uptime) + 300 ))
until grep -aq "failed over; the guest is protected again" "$TB_OUT/receive.log"; do
  kill -0 "$RX" 2>/dev/null || fail "kemari receive exited: $(tail -3 "$TB_OUT/receive.log")"
  [ "$(cut -d. -f1 /proc/uptime)" -lt $deadline ] || fail "no failover within 300 s: $(tail -3 "$TB_OUT/receive.log")"
  sleep 0.5
done
tb_say "failed over $(awk -v a="$(tb_up)" -v b="$t_kill" 'BEGIN{printf "%.1f", a-b}') s after the death: $(grep -a 'failover split' "$TB_OUT/receive.log" | tail -1)"
deadline=$(( $(cut -d. -f1 /proc/uptime) + 600 ))
until [ "$(acked)" -ge $((before + AFTER)) ]; do
  kill -0 "$RX" 2>/dev/null || fail "kemari receive exited after the failover: $(tail -3 "$TB_OUT/receive.log")"
  [ "$(cut -d. -f1 /proc/uptime)" -lt $deadline ] \
    || fail "the replica added $(( $(acked) - before )) acknowledged writes in 600 s (wanted $AFTER); its console: $(tr -d '\r' < "$RCON" | grep -a GUEST | tail -3)"
  sleep 1
done
first=$(sed -n 's/^checker: connection [0-9]* from .* first acknowledgement (seq [0-9]*) at \([0-9]*\)$/\1/p' "$TB_OUT/checker.log" \
  | awk -v k="$kill_ms" '$1 > k {print; exit}')
[ -n "$first" ] && tb_say "the replica's first acknowledgement reached the checker $(( first - kill_ms )) ms after the death"
xl pause io1-replica || fail "cannot pause io1-replica for the audit"
after=$(acked)
echo "after=$kill_ms" > "$W/stop"
wait "$CK"; crc=$?; CK=""
cat "$TB_OUT/checker.log" | grep -a -E 'acknowledged writes|PROBLEM|VERDICT'
[ "$crc" = 0 ] || fail "the checker's verdict is FAIL (exit $crc), see checker.log"
tb_pass "$IO_MODE: $before acknowledged writes before the death at epoch $epoch, $after after the failover;" \
  "the replica's first output $(( ${first:-$kill_ms} - kill_ms )) ms after the death; the checker audited the secondary's image: PASS"
