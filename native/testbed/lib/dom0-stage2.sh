#!/bin/bash
# Stage 2 of the testbed, in dom0 (root = the host's root + RAM overlay, /xshare = the run
# directory on the host). Starts the Xen daemons, creates the test guest, runs the case with a
# time bound, copies every log back to /xshare/out and powers the machine off -- on every path,
# because the host only learns the outcome from /xshare/out/rc.
#
# /xshare/out/rc: 0 once every case ran, 90 if dom0's own setup (daemons) failed.
# /xshare/out/cases/<name>/rc: the case's exit code, or 96 if no guest came up for it.
set -u
export PATH=/usr/lib/xen-4.17/bin:/usr/sbin:/usr/bin:/sbin:/bin
O=/xshare/out
STATE=/var/lib/kemari-tb
mkdir -p "$O" "$STATE"

up() { cut -d' ' -f1 /proc/uptime; }
mark() { echo "KTB: $* (dom0 uptime $(up)s)" | tee -a "$O/timeline.txt"; }
elapsed() { awk -v a="$(up)" -v b="$1" 'BEGIN{printf "%.1f", a-b}'; }

collect() {
  cp -r /var/log/xen "$O/xen-logs" 2>/dev/null
  xl dmesg > "$O/xen-dmesg.txt" 2>&1
  xl list > "$O/xl-list.txt" 2>&1
  [ -f "$STATE/g1-disk.img" ] && head -c 512 "$STATE/g1-disk.img" | tr -d '\0' > "$O/guest-disk-sector0.txt"
}

finish() {
  echo "$1" > "$O/rc"
  collect
  mark "poweroff rc=$1"
  local d
  for d in $(xl list 2>/dev/null | awk 'NR>2{print $2}'); do timeout 20 xl destroy "$d" > /dev/null 2>&1; done
  sync
  /bin/busybox poweroff -f
  echo o > /proc/sysrq-trigger   # in case poweroff could not
  sleep 60
}

mark "stage2 start"
mkdir -p /run/xen /run/xenstored /var/log/xen /var/lib/xen /var/lib/xenstored
modprobe -a xen-blkback loop > "$O/modprobe.log" 2>&1 || { mark "FATAL modprobe xen-blkback loop failed"; finish 90; }
XENSTORED_ROOTDIR=/run/xenstored "$TB_XENSTORED" --pid-file /run/xenstore.pid > "$O/xenstored.log" 2>&1 &
for _ in $(seq 60); do xenstore-read -s / > /dev/null 2>&1 && break; sleep 0.5; done
xenstore-read -s / > /dev/null 2>&1 || { mark "FATAL $TB_XENSTORED did not answer within 30 s"; finish 90; }
xen-init-dom0 > "$O/xen-init-dom0.log" 2>&1 || { mark "FATAL xen-init-dom0 failed"; finish 90; }
xenconsoled --pid-file /run/xenconsoled.pid --log=guest --log-dir=/var/log/xen > "$O/xenconsoled.log" 2>&1 \
  || { mark "FATAL xenconsoled failed"; finish 90; }
mark "daemons up ($TB_XENSTORED, xenconsoled)"

# Creates g1 (again, if a case lost it) and waits for its first tick. Returns non-zero if the
# guest did not come up.
start_guest() {
  local cfg=$STATE/g1.cfg t deadline err disk=$TB_DISK
  xl destroy g1 > /dev/null 2>&1
  # hvm-nopv: an HVM guest that uses no event channel at all, the one kind a stock Xen lets
  # kemari fail over (docs/failover.md): no Xen platform PCI device (so no PV drivers and no
  # blkfront disk) and a kernel that ignores Xen (nopv: no PV timer, IPIs or callback vector)
  [ "$TB_GUEST_TYPE" = hvm-nopv ] && disk=0
  cmdline="panic=-1 loglevel=4 $TB_GUEST_ARGS kemari.ws=$TB_WS_MIB kemari.rate=$TB_RATE kemari.tick=$TB_TICK_MS kemari.disk=$disk"
  [ "$TB_GUEST_TYPE" = hvm-nopv ] && cmdline="nopv $cmdline"
  # -P: the working set at guest-physical 64 MiB, hidden from the guest kernel's allocator, so
  # dom0 knows its frames: counter (header) pfn 0x4000, working set the pages after it
  # (iomem=relaxed: Debian's kernel otherwise refuses /dev/mem mappings of reserved ranges)
  [ "$TB_WS_PHYS" = 1 ] && cmdline="$cmdline memmap=${TB_WS_MIB}M\$64M iomem=relaxed kemari.phys=0x4000000"
  {
    echo 'name = "g1"'
    echo "type = \"${TB_GUEST_TYPE%-nopv}\""
    echo "kernel = \"$TB_KERNEL\""
    echo "ramdisk = \"$TB_IMG/guest-initrd.gz\""
    echo 'memory = 128'
    echo 'vcpus = 1'
    # a guest that dies must stay dead and visible: a restart would hide an emulator fault
    # behind a new domid
    echo 'on_crash = "preserve"'
    echo 'on_reboot = "destroy"'
    if [[ $TB_GUEST_TYPE = hvm* ]]; then
      echo "extra = \"console=ttyS0 $cmdline\""
      echo 'serial = "file:/var/log/xen/guest-g1-serial.log"'
      echo 'vga = "none"'
      echo 'vnc = 0'
      [ "$TB_GUEST_TYPE" = hvm-nopv ] && echo 'xen_platform_pci = 0'
    else
      echo "extra = \"console=hvc0 $cmdline\""
    fi
    if [ "$disk" = 1 ]; then
      truncate -s 64M "$STATE/g1-disk.img"
      echo "disk = [ 'format=raw, vdev=xvda, access=rw, script=$TB_HOME/lib/tb-block, target=$STATE/g1-disk.img' ]"
    fi
  } > "$cfg"
  cp "$cfg" "$O/g1.cfg"
  TB_GUEST_CONSOLE=/var/log/xen/guest-g1.log
  [[ $TB_GUEST_TYPE = hvm* ]] && TB_GUEST_CONSOLE=/var/log/xen/guest-g1-serial.log
  # a fresh log per guest: ticks of a lost predecessor must not count for this one
  [ -f "$TB_GUEST_CONSOLE" ] && mv "$TB_GUEST_CONSOLE" "$TB_GUEST_CONSOLE.$(date +%s)"
  t=$(up)
  timeout 180 xl create "$cfg" >> "$O/xl-create.log" 2>&1 || { mark "xl create failed (see xl-create.log)"; return 1; }
  mark "xl create took $(elapsed "$t")s"
  TB_GUEST=g1
  TB_GUEST_DOMID=$(xl domid g1)
  [ "$disk" = 1 ] && TB_GUEST_DISK=$STATE/g1-disk.img
  deadline=$(( ${t%.*} + TB_GUEST_BOOT_TIMEOUT ))
  until grep -aq "GUEST tick" "$TB_GUEST_CONSOLE" 2>/dev/null; do
    err=$(tr -d '\r' < "$TB_GUEST_CONSOLE" 2>/dev/null | grep -a -m1 -E '^GUEST (error|dirtier exited)')
    [ -z "$err" ] || { mark "guest workload failed: $err"; return 1; }
    # no tick will come from a guest that crashed (kept as 'c' by on_crash=preserve) or that is
    # gone: Xen turns an HVM triple fault into a reboot, and on_reboot=destroy
    case "$(xl list g1 2>/dev/null | awk 'NR==2 {print $5}')" in
      "") mark "guest g1 vanished while booting (destroyed on a shutdown)"; return 2;;
      *c*) mark "guest g1 crashed while booting"; return 2;;
    esac
    [ "$(cut -d. -f1 /proc/uptime)" -lt $deadline ] || { mark "guest produced no tick within ${TB_GUEST_BOOT_TIMEOUT}s"; return 1; }
    sleep 0.5
  done
  mark "guest g1 ($TB_GUEST_TYPE) domid $TB_GUEST_DOMID ticking $(elapsed "$t")s after xl create"
}

# Runs case $1 with a time bound; its output goes to the host as a file and, prefixed, on the
# console log. Each case gets a live guest: the one the previous case left, or a new one.
run_case() {
  local case=$1 name t rc
  name=$(basename "$case" .sh)
  export TB_OUT=$O/cases/$name
  mkdir -p "$TB_OUT"
  if [ "$GUEST_FAILED" = 1 ]; then
    mark "case $name skipped: no guest (it failed to come up for an earlier case)"
    echo 96 > "$TB_OUT/rc"
    return
  fi
  if [ "$TB_GUEST_TYPE" != none ] && ! tb_guest_alive; then
    [ -n "$TB_GUEST_DOMID" ] && mark "guest g1 (domid $TB_GUEST_DOMID) lost before $name: recreating"
    # one attempt per run, and one more if the emulator crashed the first (HVM firmware and early
    # kernel boot meet its triple faults most): a guest that cannot start would otherwise eat
    # every case's time
    start_guest
    local started=$?
    [ $started = 2 ] && { mark "creating g1 once more after its crash"; start_guest; started=$?; }
    [ $started = 0 ] || { GUEST_FAILED=1; echo 96 > "$TB_OUT/rc"; return; }
  fi
  export TB_GUEST TB_GUEST_DOMID TB_GUEST_CONSOLE TB_GUEST_DISK
  mark "case $name start (limit ${TB_CASE_TIMEOUT}s)"
  t=$(up)
  (cd "$TB_OUT" && timeout -k 5 "$TB_CASE_TIMEOUT" bash "$case") 2>&1 | tee "$TB_OUT/case.log" | sed -u "s/^/CASE| $name: /"
  rc=${PIPESTATUS[0]}
  echo "$rc" > "$TB_OUT/rc"
  mark "case $name end rc=$rc after $(elapsed "$t")s"
}

export TB_LIB=$TB_HOME/lib/case-lib.sh TB_TOOLS=$TB_IMG
TB_GUEST="" TB_GUEST_DOMID="" TB_GUEST_CONSOLE="" TB_GUEST_DISK="" GUEST_FAILED=0
# shellcheck source=case-lib.sh
. "$TB_LIB"   # tb_guest_alive: the cases' own notion of "the guest is still ours"
for c in $TB_CASES; do run_case "$c"; done
finish 0
