#!/bin/bash
# test-classify.sh - checks lib/classify.sh on synthetic run directories (no VM, < 1 s): each
# kind of outcome must get its verdict, a case's own output must never count as evidence of an
# emulator fault, and in CI a PENDING case must fail the stage. ci.sh runs it before booting anything.
set -uo pipefail
TB_HOME=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/classify.sh
. "$TB_HOME/lib/classify.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
failures=0

# run NAME CASE_RC CASE_LOG [FILE CONTENT]...: a run directory holding one case "c"
run() {
  local d=$T/$1 rc=$2 log=$3; shift 3
  mkdir -p "$d/out/cases/c"
  echo 0 > "$d/out/rc"
  echo "KTB: stage2 start" > "$d/out/timeline.txt"
  [ "$rc" = none ] || echo "$rc" > "$d/out/cases/c/rc"
  printf '%s\n' "$log" > "$d/out/cases/c/case.log"
  : > "$d/console.log"
  while [ $# -gt 0 ]; do mkdir -p "$(dirname "$d/$1")"; printf '%s\n' "$2" >> "$d/$1"; shift 2; done
  echo "$d"
}

expect() {
  local want=$1 dir=$2 qrc=${3:-0} got
  got=$(tb_classify "$dir" c "$qrc" 600 | cut -f1)
  if [ "$got" = "$want" ]; then echo "ok   $(basename "$dir"): $got"
  else echo "FAIL $(basename "$dir"): expected $want, got '$got' ($(tb_classify "$dir" c "$qrc" 600 | cut -f2))"; failures=$((failures + 1)); fi
}

expect PASS "$(run pass 0 'CASE PASS: fine')"
expect PENDING "$(run pending 95 'CASE PENDING: backend not built')"
expect FAIL "$(run assert-fails 1 'CASE FAIL: counter stuck')"
expect EMULATOR_FAULT "$(run triple-fault 97 'CASE GUEST-LOST: x' out/xen-dmesg.txt '(XEN) [  91.2] d1v0 Triple fault - invoking HVM shutdown action 1')"
expect EMULATOR_FAULT "$(run guest-panic 97 'CASE GUEST-LOST: x' out/xen-logs/guest-g1.log '[ 12.3] Kernel panic - not syncing: Fatal exception')"
expect EMULATOR_FAULT "$(run xen-panic none '' console.log '(XEN) Panic on CPU 0:')"
expect EMULATOR_FAULT "$(run dom0-oops 1 'CASE FAIL: x' console.log '[ 40.1] BUG: unable to handle page fault for address: 0000000000001234')"
expect EMULATOR_FAULT "$(run qemu-abort none '' qemu.err 'qemu-system-x86_64: ../accel/tcg/cpu-exec.c:1020: assertion failed')" 134
expect FAIL "$(run init-killed 96 '' out/xen-logs/guest-g1.log '[ 9.9] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100')"
expect FAIL "$(run case-prints-panic 1 'CASE FAIL: x' console.log 'CASE| c: Kernel panic expected in this message')"
expect FAIL "$(run lost-no-evidence 97 'CASE GUEST-LOST: g1 gone')"
expect FAIL "$(run case-timeout 124 '')"
expect FAIL "$(run hard-limit none '' console.log 'KTB: case c start')" 124
expect PASS "$(run pass-despite-fault 0 'CASE PASS: fine' out/xen-dmesg.txt '(XEN) d1v0 Triple fault')"

# expect_rc WANT VERDICT [VAR=VALUE...]: the stage status ci.sh derives from VERDICT in that environment
expect_rc() {
  local want=$1 v=$2 got; shift 2
  got=$(env -u CI -u KEMARI_TB_STRICT "$@" bash -c '. "$1"; tb_stage_rc "$2"' - "$TB_HOME/lib/classify.sh" "$v")
  if [ "$got" = "$want" ]; then echo "ok   $v ${*:-(no CI)}: rc $got"
  else echo "FAIL $v ${*:-(no CI)}: expected rc $want, got '$got'"; failures=$((failures + 1)); fi
}

expect_rc 0 PENDING
expect_rc 1 PENDING CI=true
expect_rc 1 PENDING KEMARI_TB_STRICT=1
expect_rc 0 PENDING CI=false KEMARI_TB_STRICT=0
expect_rc 0 PASS CI=true
expect_rc 3 EMULATOR_FAULT CI=true
expect_rc 1 FAIL
expect_rc 1 NOT_RUN

[ $failures = 0 ] && echo "classification: all verdicts as expected" || echo "classification: $failures wrong verdict(s)"
[ $failures = 0 ]
