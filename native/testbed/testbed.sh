#!/bin/bash
# testbed.sh - run cases on a real Xen 4.17: boot Xen + a Debian dom0 under QEMU's software
# emulation (no KVM needed), start a test guest that dirties memory and counts on its console
# and disk, run the case scripts in dom0 one after the other, bring their logs back, classify
# each outcome, power off. One run is one boot; every run ends within its hard limit, QEMU
# included.
#
# Usage: testbed.sh [options] CASE.sh...       case scripts (see cases/), run in dom0 in order;
#                                              each finds a live guest g1 (recreated if lost)
#        testbed.sh [options] -- COMMAND ...    any command, run in dom0 (a result of 0 = pass)
# Options:
#   -g TYPE   test guest: pvh (default; HAP, log-dirty works) | hvm (qemu device model, slow
#             to boot) | hvm-nopv (hvm without PV drivers: xen_platform_pci=0, kernel nopv, no
#             disk; no event channels) | none
#   -D        no disk for the guest (default: a 64 MiB xvda backed by a file in dom0)
#   -r N      pages per second the guest dirties (default 1000)
#   -w MIB    the guest's working set (default 16, at most 48)
#   -P        put the working set at guest-physical 64 MiB (memmap= + /dev/mem): header with
#             the tick counter at pfn 0x4000 (u64 at byte 16), pages after it. EXPERIMENTAL:
#             so far the guest's /dev/mem mapping is refused (EPERM), see docs/testbed.md
#   -i MS     guest tick (default 100)
#   -t SEC    time limit of each case inside dom0 (default 120)
#   -T SEC    hard wall-clock limit for the whole boot (default: computed from -t and -g)
#   -o DIR    run directory (default native/testbed/target/runs/<time>-<case>)
# Environment: KEMARI_TB_CACHE (images and lock, default /var/tmp/kemari-testbed),
#   KEMARI_TB_XENSTORED (oxenstored | xenstored), KEMARI_TB_QEMU_MB (3072), KEMARI_TB_DOM0_MB (1536),
#   KEMARI_TB_GUEST_ARGS (extra guest kernel arguments, e.g. "loglevel=7 initcall_debug"),
#   KEMARI_TB_LOCK_WAIT (seconds to wait for another run to finish, default 900),
#   KEMARI_TB_GUEST_BOOT (seconds from xl create to the guest's first tick: default 150 PVH,
#   360 HVM; a host loaded by other work needs more),
#   KEMARI_TB_TCK_SUITES (the tck case runs only these TCK suites, e.g. "LogDirty Contexts"),
#   KEMARI_TB_JFR=1 (the pair's daemons run under Java Flight Recorder (its default settings:
#   method samples every 20 ms) and leave receive.jfr and protect.jfr, or, if cut, their
#   repositories receive-jfr/ and protect-jfr/, in their case's output)
#
# In dom0 the host's root is the root filesystem (read-only, RAM overlay), so the project's
# jars and java run at their host paths; /xshare is the run directory (read-write).
# Results in the run directory: verdicts (CASE<TAB>VERDICT<TAB>reason per line), console.log
# (Xen + dom0 serial), out/timeline.txt, out/xen-dmesg.txt, out/xen-logs/ (guest consoles),
# out/cases/<case>/ (case.log, rc, and what the case wrote to $TB_OUT).
# Exit, the worst over the cases: 1 a FAIL (ours), 3 an EMULATOR_FAULT (retry that case),
# 4 a PENDING, 0 all PASS; 2 usage/setup error.
set -uo pipefail
TB_HOME=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/host.sh
. "$TB_HOME/lib/host.sh"
# shellcheck source=lib/classify.sh
. "$TB_HOME/lib/classify.sh"

usage() { sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2; }

GUEST=pvh DISK=1 RATE=1000 WS=16 PHYS=0 TICK=100 CASE_LIMIT=120 HARD="" RUN=""
while getopts "g:DPr:w:i:t:T:o:h" o; do
  case $o in
    g) GUEST=$OPTARG;; D) DISK=0;; P) PHYS=1;; r) RATE=$OPTARG;; w) WS=$OPTARG;; i) TICK=$OPTARG;;
    t) CASE_LIMIT=$OPTARG;; T) HARD=$OPTARG;; o) RUN=$OPTARG;; *) usage;;
  esac
done
# getopts swallows "--": remember whether it was there before shifting it away
DASHDASH=0; [ "$OPTIND" -gt 1 ] && [ "${*:OPTIND-1:1}" = -- ] && DASHDASH=1
shift $((OPTIND - 1))
case $GUEST in pvh|hvm|hvm-nopv|none) ;; *) tb_die "-g $GUEST: expected pvh, hvm, hvm-nopv or none";; esac
for fv in r:RATE w:WS i:TICK t:CASE_LIMIT ${HARD:+T:HARD}; do
  v=${fv#*:}
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || tb_die "-${fv%%:*} ${!v}: not a positive integer"
done
# with -P the working set lives at guest-physical 64 MiB of the 128 MiB guest
[ "$WS" -le 48 ] || tb_die "-w $WS: the working set must be at most 48 MiB (it sits at 64 MiB of a 128 MiB guest)"
CASES="" NAMES=""
if [ $DASHDASH = 1 ]; then
  [ $# -gt 0 ] || tb_die "-- needs a command"
  NAMES=cmd
else
  [ $# -gt 0 ] || usage
  for c in "$@"; do
    p=$(readlink -f "$c"); [ -f "$p" ] || tb_die "case script $c not found"
    [[ $p != *[[:space:]]* ]] || tb_die "case script path '$p' contains white space"
    n=$(basename "$p" .sh)
    [[ " $NAMES " != *" $n "* ]] || tb_die "two cases named $n: case names must be unique in a run"
    CASES="$CASES $p" NAMES="$NAMES $n"
  done
  set --
fi
NAMES=${NAMES# }
# boot to a dom0 shell takes ~5 s of guest time but up to a minute of wall time on a loaded
# host; a PVH guest ticks 12-18 s after xl create, an HVM one after about a minute
GUEST_BOOT=150; [[ $GUEST = hvm* ]] && GUEST_BOOT=360
GUEST_BOOT=${KEMARI_TB_GUEST_BOOT:-$GUEST_BOOT}
[ "$GUEST" = none ] && GUEST_BOOT=0
HARD=${HARD:-$((120 + GUEST_BOOT + $(wc -w <<< "$NAMES") * CASE_LIMIT + 60))}

mkdir -p "$TB_CACHE"
# ci.sh takes the lock once for all its runs and says so
[ "${KEMARI_TB_LOCKED:-0}" = 1 ] || tb_lock
tb_require_packages "$([[ $GUEST = hvm* ]] && echo hvm)"
tb_images
tb_java
tb_tck

RUN=${RUN:-$TB_HOME/target/runs/$(date -u +%Y%m%dT%H%M%SZ)-${NAMES// /+}}
rm -rf "$RUN"; mkdir -p "$RUN/out"
RUN=$(readlink -f "$RUN")
if [ $DASHDASH = 1 ]; then printf '%q ' "$@" > "$RUN/cmd.sh"; echo >> "$RUN/cmd.sh"; CASES=/xshare/cmd.sh; fi
{
  for v in TB_HOME TB_REPO TB_IMG TB_KERNEL TB_JAVA_CP TB_JAVA_WHY TB_TCK_CP TB_TCK_WHY; do printf 'export %s=%q\n' "$v" "${!v}"; done
  printf 'export TB_STAGE2=%q TB_CASES=%q TB_CASE_TIMEOUT=%q TB_GUEST_TYPE=%q TB_GUEST_BOOT_TIMEOUT=%q\n' \
    "$TB_HOME/lib/dom0-stage2.sh" "$CASES" "$CASE_LIMIT" "$GUEST" "$GUEST_BOOT"
  printf 'export TB_DISK=%q TB_RATE=%q TB_WS_MIB=%q TB_WS_PHYS=%q TB_TICK_MS=%q TB_XENSTORED=%q TB_GUEST_ARGS=%q\n' \
    "$DISK" "$RATE" "$WS" "$PHYS" "$TICK" "${KEMARI_TB_XENSTORED:-oxenstored}" "${KEMARI_TB_GUEST_ARGS:-}"
  printf 'export TB_TCK_SUITES=%q TB_JFR=%q\n' "${KEMARI_TB_TCK_SUITES:-}" "${KEMARI_TB_JFR:-0}"
} > "$RUN/tb.env"

QPID=""
cleanup() {
  if [ -n "$QPID" ] && kill -0 "$QPID" 2>/dev/null; then
    tb_log "stopping QEMU (timeout pid $QPID)"
    kill -TERM "$QPID" 2>/dev/null
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$QPID" 2>/dev/null || break; sleep 0.5; done
  fi
  # the QEMU of this run only: its pid file is in the run directory, which its command line names
  local q; q=$(cat "$RUN/qemu.pid" 2>/dev/null)
  if [ -n "$q" ] && kill -0 "$q" 2>/dev/null && grep -aq "$RUN" "/proc/$q/cmdline" 2>/dev/null; then
    tb_log "killing QEMU pid $q"
    kill -KILL "$q" 2>/dev/null
  fi
  QPID=""
}
trap cleanup EXIT
trap 'cleanup; exit 2' INT TERM

DOM0_MB=${KEMARI_TB_DOM0_MB:-1536}
tb_log "booting Xen (run $RUN, hard limit ${HARD}s, guest $GUEST)"
t_boot=$(date +%s)
# -cpu qemu64,+svm,+npt: nested SVM with nested paging gives Xen HVM support and HAP, which
# PVH/HVM guests and log-dirty need (-cpu max crashes dom0). nice: other work shares the cores.
timeout -k 10 "$HARD" nice -n 10 qemu-system-x86_64 -name kemari-testbed \
  -pidfile "$RUN/qemu.pid" -accel tcg,thread=multi -cpu qemu64,+svm,+npt -smp 2 \
  -m "${KEMARI_TB_QEMU_MB:-3072}" -nographic -no-reboot -serial mon:stdio \
  -kernel "$TB_IMG/xen" \
  -append "console=com1 com1=115200,8n1 dom0_mem=${DOM0_MB}M,max:${DOM0_MB}M noreboot console_timestamps=boot loglvl=warning guest_loglvl=warning" \
  -initrd "$TB_KERNEL console=hvc0 panic=-1 loglevel=4,$TB_IMG/dom0-initrd.gz" \
  -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
  -virtfs "local,path=$RUN,mount_tag=share,security_model=none" \
  < /dev/null > "$RUN/console.log" 2> "$RUN/qemu.err" &
QPID=$!
wait "$QPID"
qrc=$?
QPID=""
cleanup
echo $(( $(date +%s) - t_boot )) > "$RUN/seconds"
tb_log "QEMU exited rc=$qrc after $(cat "$RUN/seconds")s"

grep -a '^KTB:' "$RUN/console.log" | sed 's/^/  /' >&2
: > "$RUN/verdicts"
for n in $NAMES; do printf '%s\t%s\n' "$n" "$(tb_classify "$RUN" "$n" "$qrc" "$HARD")" >> "$RUN/verdicts"; done
while IFS=$'\t' read -r n verdict reason; do
  echo "$n: $verdict${reason:+ - $reason}"
done < "$RUN/verdicts"
echo "run: $(cat "$RUN/seconds")s, $RUN"
for v in FAIL:1 EMULATOR_FAULT:3 PENDING:4; do
  cut -f2 "$RUN/verdicts" | grep -qx "${v%:*}" && exit "${v#*:}"
done
exit 0
