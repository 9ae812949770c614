# remus: the peer Kemari is compared with, measured exactly as cases/protect.sh measures Kemari.
# `xl remus -F -b -n -d -i <ms> g1 none` checkpoints the live guest g1 into a black hole (-b:
# no secondary; remus still wants a host argument) every <ms>, without network buffering or
# disk replication (-n -d), the counterpart of Kemari's memory-only mode. Once its first
# checkpoint is seen, tb-pausewatch samples g1's stops (paused or suspended) for
# KEMARI_REMUS_SAMPLE_S seconds. Remus is then interrupted; a guest it leaves suspended is
# resumed (libxl_domain_resume, suspend_cancel), and g1 must count again.
# Runs in dom0 (testbed.sh -t 600 cases/protect.sh cases/remus.sh: same boot, same guest).
. "$TB_LIB"
tb_need_guest
MS=${KEMARI_REMUS_INTERVAL_MS:-100}
SAMPLE_S=${KEMARI_REMUS_SAMPLE_S:-20}
RP=""
resume_g1() {
  [ -n "$RP" ] && kill -0 "$RP" 2>/dev/null && {
    kill -INT "$RP"
    for _ in $(seq 180); do kill -0 "$RP" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$RP" 2>/dev/null && { tb_say "xl remus ignored SIGINT for 90 s; SIGKILL"; kill -KILL "$RP"; }
  }
  RP=""
  local s; s=$(tb_guest_state)
  tb_say "after remus g1 is '$s'"
  case "${s#* }" in
    *s*) tb_say "g1 left suspended by remus: resuming it"; "$TB_TOOLS/tb-pausewatch" resume "$TB_GUEST_DOMID";;
  esac
  case "$(tb_guest_state)" in *p*) xl unpause g1;; esac
}
trap 'resume_g1; tb_restore' EXIT

t0=$(tb_up)
xl remus -F -b -n -d -i "$MS" g1 none > "$TB_OUT/remus.log" 2>&1 &
RP=$!
# remus first copies the whole guest live (like xl migrate); its checkpoints start after that
first=""
for _ in $(seq 240); do
  kill -0 "$RP" 2>/dev/null || tb_fail "xl remus exited: $(tr '\r' '\n' < "$TB_OUT/remus.log" | grep . | tail -3)"
  w=$("$TB_TOOLS/tb-pausewatch" watch "$TB_GUEST_DOMID" 1) || tb_fail "tb-pausewatch failed"
  case $w in stops=0\ *) ;; *) first=yes; break;; esac
done
[ -n "$first" ] || tb_fail "no checkpoint of xl remus seen within 240 s"
tb_say "first remus checkpoints seen $(awk -v a="$(tb_up)" -v b="$t0" 'BEGIN{printf "%.1f", a-b}') s after start"
w=$("$TB_TOOLS/tb-pausewatch" watch "$TB_GUEST_DOMID" "$SAMPLE_S") || tb_fail "tb-pausewatch failed"
echo "remus interval=${MS}ms $w" | tee "$TB_OUT/pausewatch.txt"
resume_g1
tr '\r' '\n' < "$TB_OUT/remus.log" | grep -v '^xc: .*progress' | grep . | tail -5
tb_guest_alive || tb_fail "g1 is not the same live domain after xl remus ('$(tb_guest_state)')"
tb_expect_advance console 90 3
case $w in
  stops=0\ *) tb_fail "no stop of g1 sampled while xl remus ran: $w";;
  *) tb_pass "xl remus -i $MS: $w";;
esac
