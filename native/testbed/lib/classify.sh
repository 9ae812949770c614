# Classifies one finished testbed run (sourced by testbed.sh; usable alone: see tb_classify).
#
# Nested SVM under QEMU's software emulation occasionally kills a guest or dom0 for no reason
# of ours (measured: a Xen "Triple fault" or a guest kernel panic every few minutes of
# running). A failed run whose logs show such a fault is EMULATOR_FAULT, and the caller retries
# it once; a failed run without that evidence is FAIL, ours. The retry is what keeps a wrong
# guess here harmless: a real failure of ours fails again.

# Log lines that only the emulator (or Xen/Linux reacting to it) produces. Case output is
# excluded from the console log (CASE| lines): a case may print anything.
TB_XEN_FAULTS='Triple fault|Panic on CPU|FATAL TRAP|FATAL PAGE FAULT|Hardware Dom0 crashed'
TB_KERNEL_FAULTS='Kernel panic|BUG: |Oops: |general protection fault|double fault|invalid opcode'
# our own guest workload dying takes init with it; that panic is ours, not the emulator's
TB_KERNEL_OURS='Attempted to kill init'

# Prints the first line of evidence of an emulator fault in run directory $1, if any.
tb_emulator_evidence() {
  local run=$1 f line
  for f in "$run/console.log" "$run/out/xen-dmesg.txt"; do
    [ -f "$f" ] || continue
    line=$(tr -d '\r' < "$f" | grep -av '^CASE|' | grep -aE "$TB_XEN_FAULTS|$TB_KERNEL_FAULTS" \
           | grep -avE "$TB_KERNEL_OURS" | head -1)
    [ -n "$line" ] && { echo "${f##*/}: $line"; return 0; }
  done
  for f in "$run"/out/xen-logs/guest-*.log; do
    [ -f "$f" ] || continue
    line=$(tr -d '\r' < "$f" | grep -aE "$TB_KERNEL_FAULTS" | grep -avE "$TB_KERNEL_OURS" | head -1)
    [ -n "$line" ] && { echo "${f##*/}: $line"; return 0; }
  done
  if [ -s "$run/qemu.err" ] && grep -aqiE 'abort|assert|segmentation|fatal' "$run/qemu.err"; then
    echo "qemu.err: $(head -1 "$run/qemu.err")"
    return 0
  fi
  return 1
}

# tb_classify RUN_DIR CASE_NAME QEMU_RC HARD_LIMIT: prints "VERDICT<TAB>reason" for one case
# of the run, VERDICT one of PASS FAIL PENDING EMULATOR_FAULT. A run boots once for all its
# cases and Xen's log has no case boundaries, so a fault anywhere in the run marks every failed
# case of it; their retries, one boot each, settle it.
tb_classify() {
  local run=$1 name=$2 qrc=$3 hard=$4 dir rc evidence why
  dir=$run/out/cases/$name
  rc=$(cat "$dir/rc" 2>/dev/null)
  case $rc in
    0) printf 'PASS\t%s\n' "$(grep -a '^CASE PASS' "$dir/case.log" | head -1 | cut -c12-)"; return;;
    95) printf 'PENDING\t%s\n' "$(grep -a '^CASE PENDING' "$dir/case.log" | head -1 | cut -c15-)"; return;;
  esac
  if evidence=$(tb_emulator_evidence "$run"); then
    printf 'EMULATOR_FAULT\t%s\n' "$evidence"
    return
  fi
  case $rc in
    "") if [ "$(cat "$run/out/rc" 2>/dev/null)" = 90 ]; then
          why="dom0 setup failed: $(grep -a 'KTB: FATAL' "$run/out/timeline.txt" | tail -1)"
        elif [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
          why="no result: QEMU killed at the ${hard}s hard limit"
        else
          why="no result: QEMU exited rc=$qrc before dom0 reported one"
        fi
        why="$why; last step: $(grep -a '^KTB:' "$run/console.log" 2>/dev/null | tail -1)";;
    96) why="guest did not come up: $(grep -a 'KTB: \(xl create\|guest\)' "$run/out/timeline.txt" | tail -1)";;
    97) why="guest lost with no emulator fault in the logs: $(grep -a '^CASE GUEST-LOST' "$dir/case.log" | head -1)";;
    124|137) why="case exceeded its time limit";;
    *) why="rc=$rc: $(grep -a '^CASE FAIL' "$dir/case.log" | head -1)";;
  esac
  printf 'FAIL\t%s\n' "$why"
}

# Whether a PENDING verdict fails the stage. PENDING means a prerequisite was missing and the
# case checked nothing: in CI (CI=true, as CI services set it) or when asked (KEMARI_TB_STRICT=1)
# that must not pass for green.
tb_strict() { [ "${CI:-}" = true ] || [ "${KEMARI_TB_STRICT:-0}" = 1 ]; }

# tb_stage_rc VERDICT: what one case's verdict makes of ci.sh's exit status (0, 1 or 3).
tb_stage_rc() {
  case $1 in
    PASS) echo 0;;
    PENDING) if tb_strict; then echo 1; else echo 0; fi;;
    EMULATOR_FAULT) echo 3;;
    *) echo 1;;
  esac
}
