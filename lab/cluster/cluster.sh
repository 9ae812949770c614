#!/usr/bin/env bash
# A real two-node Pacemaker 2.1 + Corosync 3.1 cluster on this machine, running a kemari pair
# on the simulator backend as a promotable clone of ocf:kemari:kemari, with the external checker
# outside both nodes; then the scenarios of docs/admin-guide.md section 7, each ending in the
# checker's verdict.
#
#   lab/cluster/cluster.sh [--runs N] [--keep] [host-death] [return] [switchover] [partition] [daemon-death]
#          (root; default: host-death and partition, once each; --keep: keep the logs)
#
# Each node is a network, mount, UTS, IPC and PID namespace of its own (its own /etc/corosync,
# /var/lib/pacemaker, /var/lib/corosync, /var/log, /run, /dev/shm); the nodes are joined by one
# veth pair (the cluster and replication network) whose addresses exist only inside them. The
# checker (the guest's outside world) runs in a third network namespace that each node reaches
# over a veth of its own and routes, and that forwards nothing, so the nodes cannot reach each
# other through it. Every scenario starts a fresh cluster and tears it down; an EXIT trap tears
# down whatever is left, and the run fails if any process of ours survives.
#
# Exit: 0 every scenario passed, 1 a scenario failed (its logs are kept and named), 2 usage,
# 3 a prerequisite is missing and cannot be installed (not root).
set -euo pipefail

here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
repo=$(cd "$here/../.." && pwd)

# Where kemari comes from: the build tree, or the installed Debian package. Switching the
# scenarios to the package is this one line (KEMARI_FROM=package).
KEMARI_FROM=${KEMARI_FROM:-build}
case $KEMARI_FROM in
  build)
    KEMARI_JAR=$repo/xm-plugin/target/kemari.jar
    KEMARI_OCF_AGENT=$repo/xm-plugin/scripts/ocf/kemari
    KEMARI_BIN= # a wrapper around $KEMARI_JAR in the work dir, as /usr/bin/kemari is
    ;;
  package)
    KEMARI_JAR=/usr/share/kemari/kemari.jar
    KEMARI_OCF_AGENT=/usr/lib/ocf/resource.d/kemari/kemari
    KEMARI_BIN=/usr/bin/kemari
    ;;
  *) echo "cluster: KEMARI_FROM=$KEMARI_FROM: expected build or package" >&2; exit 2 ;;
esac

runs=1
keep=0
scenarios=()
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=${2:?--runs needs a number}; shift ;;
    host-death|return|switchover|partition|daemon-death) scenarios+=("$1") ;;
    --keep) keep=1 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "cluster: unknown argument '$1' (expected --runs N, --keep, host-death, return, switchover, partition, daemon-death)" >&2; exit 2 ;;
  esac
  shift
done
[ ${#scenarios[@]} -gt 0 ] || scenarios=(host-death partition)
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "cluster: --runs $runs: expected a positive number" >&2; exit 2; }

# ---------------------------------------------------------------------------------------------
# Names and addresses, all prefixed kmc so that nothing else on the machine is touched.
NS1=kmc1 NS2=kmc2 NSW=kmcw
NET=10.231
CHECKER_ADDR=$NET.100.1 CHECKER_PORT=9000
KEMARI_PORT=7101
PAIR=kmc
# Corosync's token (ms): a lost node is noticed after token + consensus (1.2 x token).
TOKEN_MS=1000
# The pair's witness lease. The receivers run with --manual-failover (the OCF agent starts them
# so): after a host death the survivor's receiver keeps the replica paused until Pacemaker's
# promote asks, and by then (Corosync's detection alone is token + consensus, 2.2 s) a 2 s lease
# has run out, so the lease is taken at once and is not on the critical path.
LEASE_MS=${KMC_LEASE_MS:-2000}
# Bounds (s).
SETTLE_LIMIT=120
FAILOVER_LIMIT=60
HEAL_LIMIT=120
STOP_LIMIT=20

log() { printf 'cluster: %s\n' "$*"; }
die() { printf 'cluster: %s\n' "$*" >&2; exit 1; }
now_ms() { date +%s%3N; }

# ---------------------------------------------------------------------------------------------
# Prerequisites: installed as root, named otherwise.
need_packages() {
  local missing=() p
  for p in pacemaker corosync crmsh resource-agents; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "cluster: needs root and the packages: ${missing[*]} (apt-get install ${missing[*]})" >&2
    exit 3
  fi
  log "installing ${missing[*]}"
  if ! apt-get install -y -o DPkg::Lock::Timeout=120 "${missing[@]}" >/dev/null 2>&1; then
    apt-get update -o DPkg::Lock::Timeout=120 >/dev/null
    apt-get install -y -o DPkg::Lock::Timeout=120 "${missing[@]}" >/dev/null \
      || die "apt-get install ${missing[*]} failed"
  fi
  # Debian starts the daemons in the root namespaces on install; this lab runs its own.
  systemctl disable --now pacemaker corosync >/dev/null 2>&1 || true
}

need_packages
[ "$(id -u)" = 0 ] || { echo "cluster: must run as root (network namespaces, bind mounts)" >&2; exit 3; }
for c in ip nsenter unshare setsid corosync-keygen cibadmin crm java; do
  command -v "$c" >/dev/null || die "$c not found (needed to build the cluster)"
done
[ -f "$KEMARI_JAR" ] || die "$KEMARI_JAR missing: build it (nice -n 19 mvn -B -o -q -pl xm-plugin -am package -DskipTests)"
[ -x "$KEMARI_OCF_AGENT" ] || die "$KEMARI_OCF_AGENT missing or not executable"
for ns in $NS1 $NS2 $NSW; do
  [ ! -e /run/netns/$ns ] || die "network namespace $ns exists already (another run? 'ip netns del $ns' if not)"
done

# ---------------------------------------------------------------------------------------------
# State of the current cluster. Each scenario runs in a subshell (so that `set -e` holds in it),
# so every process it starts is also recorded in $W/pids, where teardown finds it; the PID
# namespaces of all nodes ever started are kept there for the final check.
INIT1= INIT2= CHECKER_PID= POLLER_PID=
failed=0

W=$(mktemp -d /tmp/kmc-cluster.XXXXXX)
# hacluster must traverse it to the nodes' bind-mounted directories
chmod 755 "$W"
mkdir -p "$W/pids"
track() { echo "$2" > "$W/pids/$1"; }

node_pid() { if [ "$1" = 1 ]; then echo "$INIT1"; else echo "$INIT2"; fi; }
# A command on a node, in all of its namespaces.
on() { local n=$1; shift; nsenter -t "$(node_pid "$n")" -n -m -u -i -p "$@"; }

# Every process in our nodes' PID namespaces, in our network namespaces, or naming our work dir.
our_processes() {
  local p ns ours
  ours=$(cat "$W"/pids/pidns.* 2>/dev/null | sort -u)
  if [ -n "$ours" ]; then
    for p in /proc/[0-9]*; do
      ns=$(readlink "$p/ns/pid" 2>/dev/null) || continue
      if grep -qxF "$ns" <<< "$ours"; then echo "${p#/proc/}"; fi
    done
  fi
  for ns in $NS1 $NS2 $NSW; do
    [ -e /run/netns/$ns ] && ip netns pids $ns 2>/dev/null
  done
  pgrep -f -- "$W" 2>/dev/null | grep -vx "$$" || true
}

stop_cluster() {
  local p f deadline
  for f in "$W"/pids/checker "$W"/pids/poller.*; do
    [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
    rm -f "$f"
  done
  # SIGKILL of a node's init ends every process of the node at once, as a power cut does.
  for f in "$W"/pids/init.*; do
    [ -f "$f" ] && kill -KILL "$(cat "$f")" 2>/dev/null || true
    rm -f "$f"
  done
  deadline=$((SECONDS + STOP_LIMIT))
  while [ -n "$(our_processes | sort -u)" ] && [ $SECONDS -lt $deadline ]; do
    for p in $(our_processes | sort -u); do kill -KILL "$p" 2>/dev/null || true; done
    sleep 0.2
  done
  for ns in $NS1 $NS2 $NSW; do
    [ -e /run/netns/$ns ] && ip netns del $ns 2>/dev/null || true
  done
  INIT1= INIT2= CHECKER_PID= POLLER_PID=
}

teardown() {
  local rc=$? left
  trap - EXIT INT TERM
  stop_cluster
  left=$(our_processes | sort -u | tr '\n' ' ')
  local ns_left=""
  for ns in $NS1 $NS2 $NSW; do [ -e /run/netns/$ns ] && ns_left+="$ns "; done
  if [ -n "$left$ns_left" ]; then
    echo "cluster: TEARDOWN FAILED: still alive: pids ${left:-none}; namespaces ${ns_left:-none}" >&2
    rc=1
  fi
  if [ "$rc" = 0 ] && [ "$failed" = 0 ] && [ "$keep" = 0 ]; then
    rm -rf "$W"
  elif [ -n "$W" ]; then
    echo "cluster: logs kept in $W" >&2
  fi
  exit "$rc"
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------
# The pieces that stay the same across scenarios.
if [ -z "$KEMARI_BIN" ]; then
  mkdir -p "$W/bin"
  KEMARI_BIN=$W/bin/kemari
  # As the admin guide's /usr/bin/kemari; C1 only and the serial collector for the quick starts
  # of the monitor's `kemari status` on two shared cores.
  cat > "$KEMARI_BIN" <<EOF
#!/bin/sh
exec java \${KEMARI_JAVA_OPTS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto} -jar '$KEMARI_JAR' "\$@"
EOF
  chmod 755 "$KEMARI_BIN"
fi
OCF_DIR=
if [ "$KEMARI_OCF_AGENT" != /usr/lib/ocf/resource.d/kemari/kemari ]; then
  # The agent from the build tree appears to the nodes' Pacemaker as ocf:kemari:kemari: their
  # /usr/lib/ocf/resource.d is this directory (bind mount in their mount namespace only).
  OCF_DIR=$W/ocf-resource.d
  mkdir -p "$OCF_DIR/kemari"
  install -m 755 "$KEMARI_OCF_AGENT" "$OCF_DIR/kemari/kemari"
fi
corosync-keygen -l -k "$W/authkey" >/dev/null 2>&1 || die "corosync-keygen -k $W/authkey failed"

cat > "$W/node-init.sh" <<'EOF'
#!/bin/bash
# PID 1 of a node: its own directories over the shared ones, then corosync and pacemakerd; then
# it reaps orphans until it is killed (which ends every process of the node at once).
set -u
n=$1 d=$2 ocf=$3
hostname "node$n"
mount --bind "$d/etc-corosync" /etc/corosync
mount --bind "$d/lib-pacemaker" /var/lib/pacemaker
mount --bind "$d/lib-corosync" /var/lib/corosync
mount --bind "$d/log" /var/log
mount -t tmpfs -o mode=0755 tmpfs /run
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mkdir -p /run/lock
[ -z "$ocf" ] || mount --bind "$ocf" /usr/lib/ocf/resource.d
/usr/sbin/corosync -f > /var/log/corosync/stdout.log 2>&1 &
for _ in $(seq 300); do corosync-cfgtool -s >/dev/null 2>&1 && break; sleep 0.1; done
/usr/sbin/pacemakerd > /var/log/pacemaker/stdout.log 2>&1 &
while :; do wait -n 2>/dev/null || sleep 1; done
EOF
chmod 755 "$W/node-init.sh"

# The pair: one config for both hosts (each finds its side by its own addresses), its key, the
# shared disk and the witness lease on storage both nodes see (a directory outside their bind
# mounts).
mkdir -p "$W/shared/witness"
head -c 32 /dev/urandom > "$W/shared/$PAIR.psk"
chmod 600 "$W/shared/$PAIR.psk"
CONFIG=$W/shared/$PAIR.yaml
cat > "$CONFIG" <<EOF
# the cluster lab's pair (lab/cluster/cluster.sh): two namespace nodes, simulator backend
pair: $PAIR
domain: $PAIR-guest
primary: $NET.12.1:$KEMARI_PORT
secondary: $NET.12.2:$KEMARI_PORT
backend: sim
sync:
  mode: event
  interval: 20ms
  max-epoch-interval: 200ms
  max-in-flight: 4
heartbeat:
  interval: 100ms
  timeout: 3s
witness:
  lease-file: $W/shared/witness/$PAIR.lease
  lease-duration: ${LEASE_MS}ms
tap: [block, net]
compression: lz4-delta
security:
  psk-file: $PAIR.psk
devices:
  disk: $W/shared/disk.img
  net: $CHECKER_ADDR:$CHECKER_PORT
EOF

# The cluster configuration (crm shell syntax; docs/admin-guide.md section 7 explains it).
# cluster-delay and the unpromoted monitor's timeout bound one wait of Pacemaker 2.1.5's: when
# the DC dies, the survivor's promotion first cancels its unpromoted monitor, and the new DC
# cannot match that cancellation to the monitor the old DC started, so it waits for the action's
# timer (monitor timeout + cluster-delay; 30 s + 60 s by default) before it promotes.
CRM=$W/kemari.crm
cat > "$CRM" <<EOF
property stonith-enabled=false dc-deadtime=2s cluster-recheck-interval=10s cluster-delay=5s
rsc_defaults resource-stickiness=100
primitive $PAIR ocf:kemari:kemari \\
  params config=$CONFIG kemari=$KEMARI_BIN \\
  op start timeout=120s interval=0 \\
  op stop timeout=60s interval=0 \\
  op promote timeout=120s interval=0 \\
  op demote timeout=120s interval=0 \\
  op notify timeout=30s interval=0 \\
  op monitor interval=4s role=Promoted timeout=30s \\
  op monitor interval=${KMC_UNPROMOTED_MONITOR:-6s} role=Unpromoted timeout=15s
clone $PAIR-clone $PAIR \\
  meta promotable=true promoted-max=1 promoted-node-max=1 clone-max=2 clone-node-max=1 notify=true \\
  migration-threshold=3 failure-timeout=20s
EOF

# ---------------------------------------------------------------------------------------------
# start_node <n> <tag>: boots node n (again, after a host death: its disk, the node's
# /var/lib/pacemaker and /etc/corosync, is kept; its /run starts empty, as after a reboot).
start_node() {
  local n=$1 tag=$2
  local d=$C/node$n
  mkdir -p "$d"/etc-corosync "$d"/lib-corosync "$d"/log/corosync "$d"/log/crmsh "$d"/log/pacemaker \
    "$d"/lib-pacemaker/{blackbox,cib,cores,pengine}
  install -m 400 "$W/authkey" "$d/etc-corosync/authkey"
  cat > "$d/etc-corosync/corosync.conf" <<EOF
totem {
  version: 2
  cluster_name: kmc
  transport: knet
  crypto_cipher: aes256
  crypto_hash: sha256
  token: $TOKEN_MS
}
nodelist {
  node {
      ring0_addr: $NET.12.1
      name: node1
      nodeid: 1
  }
  node {
      ring0_addr: $NET.12.2
      name: node2
      nodeid: 2
  }
}
quorum {
  provider: corosync_votequorum
  two_node: 1
}
logging {
  to_logfile: yes
  logfile: /var/log/corosync/corosync.log
  to_syslog: no
  to_stderr: no
  timestamp: hires
}
EOF
  # a returning node keeps the configuration it had; the cluster's newer one replaces it on join
  [ -f "$d/lib-pacemaker/cib/cib.xml" ] || install -m 600 "$C/cib.xml" "$d/lib-pacemaker/cib/cib.xml"
  chown -R hacluster:haclient "$d/lib-pacemaker" "$d/log/pacemaker"
  setsid nsenter --net=/run/netns/kmc$n unshare --mount --uts --ipc --pid --fork --mount-proc \
    "$W/node-init.sh" "$n" "$d" "$OCF_DIR" >> "$d/init.log" 2>&1 &
  local launcher=$! init= i
  for i in $(seq 100); do
    init=$(pgrep -P "$launcher" 2>/dev/null | head -1) && [ -n "$init" ] && break
    sleep 0.05
  done
  [ -n "$init" ] || die "node$n: no init process under launcher $launcher"
  track init.$n "$init"
  # one file per boot: teardown checks every PID namespace this run ever made
  readlink /proc/$init/ns/pid > "$W/pids/pidns.$tag.$n.$(date +%s%N)"
  if [ "$n" = 1 ]; then INIT1=$init; else INIT2=$init; fi
}

start_cluster() {
  local tag=$1 n
  C=$W/$tag
  mkdir -p "$C"
  rm -f "$W/shared/witness/$PAIR.lease"
  truncate -s 0 "$W/shared/disk.img"
  truncate -s 16M "$W/shared/disk.img"

  ip netns add $NS1
  ip netns add $NS2
  ip netns add $NSW
  # the cluster (and replication) link
  ip link add kmc1c type veth peer name kmc2c
  ip link set kmc1c netns $NS1
  ip link set kmc2c netns $NS2
  ip -n $NS1 addr add $NET.12.1/24 dev kmc1c
  ip -n $NS2 addr add $NET.12.2/24 dev kmc2c
  # each node's link to the outside world, where the checker is
  for n in 1 2; do
    ip link add kmc${n}w type veth peer name kmcw$n
    ip link set kmc${n}w netns kmc$n
    ip link set kmcw$n netns $NSW
    ip -n kmc$n addr add $NET.10$n.1/24 dev kmc${n}w
    ip -n $NSW addr add $NET.10$n.254/24 dev kmcw$n
    ip -n kmc$n link set kmc${n}w up
    ip -n $NSW link set kmcw$n up
    ip -n kmc$n link set lo up
    ip -n kmc$n route add $CHECKER_ADDR/32 via $NET.10$n.254
  done
  ip -n $NS1 link set kmc1c up
  ip -n $NS2 link set kmc2c up
  ip -n $NSW link set lo up
  ip -n $NSW addr add $CHECKER_ADDR/32 dev lo

  # the checker, outside both nodes
  rm -f "$C/checker.stop"
  ip netns exec $NSW setsid java -XX:+UseSerialGC -cp "$KEMARI_JAR" org.kemari.check.CheckerMain \
    --listen $CHECKER_ADDR:$CHECKER_PORT --disk "$W/shared/disk.img" --progress "$C/checker.progress" \
    --stop "$C/checker.stop" > "$C/checker.log" 2>&1 &
  CHECKER_PID=$!
  track checker $CHECKER_PID

  cibadmin --empty > "$C/cib.xml"
  CIB_file=$C/cib.xml crm_attribute --type crm_config --name dc-deadtime --update 2s
  CIB_file=$C/cib.xml crm_attribute --type crm_config --name stonith-enabled --update false
  for n in 1 2; do start_node "$n" "$tag"; done
  log "$tag: nodes up (init pids $INIT1, $INIT2), checker pid $CHECKER_PID; waiting for quorum"
  wait_for "quorum and both nodes online" 90 cluster_online
  on 1 crm configure load update "$CRM" >> "$C/crm.log" 2>&1 || die "$tag: crm configure load update $CRM failed: $(tail -3 "$C/crm.log")"
}

cluster_online() {
  on 1 crm_mon -1 2>/dev/null | grep -q 'Online: \[ node1 node2 \]' \
    && on 1 corosync-quorumtool -s 2>/dev/null | grep -q 'Quorate: *Yes'
}

# wait_for <what> <seconds> <command...>: polls; fails the scenario naming what did not happen.
wait_for() {
  local what=$1 limit=$2 deadline
  shift 2
  deadline=$((SECONDS + limit))
  until "$@"; do
    [ $SECONDS -lt $deadline ] || { log "FAIL: no $what within ${limit}s"; return 1; }
    sleep 0.25
  done
}

# A node's kemari state, read from its /run through its init (no JVM start): "role phase epoch".
kstate() {
  local f=/proc/$(node_pid "$1")/root/run/kemari/$PAIR.state
  [ -f "$f" ] || { echo "stopped - -1"; return; }
  awk -F= '/^role=/{r=$2} /^phase=/{p=$2} /^epoch=/{e=$2} END{print r" "p" "e}' "$f" 2>/dev/null
}
acks() { cat "$C/checker.progress" 2>/dev/null || echo 0; }

# One primary protected, the other node receiving with a replica, output flowing.
PRIMARY= SECONDARY=
pair_settled() {
  local s1 s2
  s1=$(kstate 1) s2=$(kstate 2)
  if [[ $s1 == "primary protected "* && $s2 == "secondary receiving "* && ${s2##* } -ge 1 ]]; then PRIMARY=1 SECONDARY=2
  elif [[ $s2 == "primary protected "* && $s1 == "secondary receiving "* && ${s1##* } -ge 1 ]]; then PRIMARY=2 SECONDARY=1
  else return 1
  fi
  [ "$(acks)" -gt 0 ]
}

# Records a node's kemari phase changes with the wall clock, for the timings.
poll_phases() {
  local n=$1 out=$2 last= cur
  while :; do
    cur=$(kstate "$n")
    [ "$cur" = "$last" ] || { echo "$(now_ms) $cur" >> "$out"; last=$cur; }
    sleep 0.02
  done
}

# Ends the checker and prints its verdict; true on PASS.
verdict() {
  local after=$1 i
  echo "${after:+after=$after}" > "$C/checker.stop"
  for i in $(seq 200); do kill -0 "$CHECKER_PID" 2>/dev/null || break; sleep 0.1; done
  local rc=0
  wait "$CHECKER_PID" 2>/dev/null || rc=$?
  CHECKER_PID=
  rm -f "$W/pids/checker"
  grep -E 'acknowledged writes|VERDICT|PROBLEM' "$C/checker.log" | sed 's/^/cluster:   /'
  grep -q 'VERDICT: PASS' "$C/checker.log" && [ "$rc" = 0 ]
}

crm_status() {
  on "$1" crm_mon -1 2>/dev/null | grep -E 'Clone Set|Promoted|Unpromoted|Stopped|Failed|FAILED|OFFLINE|Online|degraded|kmc' \
    | sed "s/^/cluster:   node$1: crm_mon: /"
}
# The agent's own lines in a node's Pacemaker log (its decisions and the kemari errors it reports).
agent_lines() {
  grep -hE "$2" "$C/node$1/log/pacemaker/pacemaker.log" 2>/dev/null | head -"${3:-6}" | sed "s/^/cluster:   node$1: /" || true
}

# Millisecond wall time of a log line: corosync's hires "Dec 06 21:00:00.123", Pacemaker's
# "Dec 06 21:00:00.123" or ISO; "" if none.
line_ms() {
  local t
  t=$(echo "$1" | grep -oE '^[A-Z][a-z]{2} +[0-9]+ [0-9:]{8}(\.[0-9]+)?' || true)
  if [ -n "$t" ]; then date -d "$t" +%s%3N; fi
}
since() { echo "$(( $1 - $2 ))"; }
# The first line of a log matching a pattern, logged at or after a wall-clock millisecond.
first_after() {
  local after=$1 file=$2 pattern=$3 line t
  while IFS= read -r line; do
    t=$(line_ms "$line")
    if [ -n "$t" ] && [ "$t" -ge "$after" ]; then echo "$line"; return 0; fi
  done < <(grep -E "$pattern" "$file" 2>/dev/null || true)
}

# ---------------------------------------------------------------------------------------------
scenario_host_death() {
  local tag=$1
  start_cluster "$tag" || return 1
  wait_for "settled pair (one primary protected, one secondary with a replica, output flowing)" $SETTLE_LIMIT pair_settled || return 1
  log "$tag: settled: node$PRIMARY primary, node$SECONDARY secondary ($(kstate $SECONDARY)), $(acks) acknowledged writes"
  crm_status $SECONDARY
  kill_primary_node "$tag" host-death || return 1
  verdict "$KILL_MS"
}

# Scenario 2: the node that died comes back; Pacemaker starts kemari there as the secondary, the
# survivor protects the guest to it by itself (a full resync), and no operator command is given.
# Then the survivor dies in turn, and the guest fails over back.
scenario_return() {
  local tag=$1 dead back_ms
  start_cluster "$tag" || return 1
  wait_for "settled pair" $SETTLE_LIMIT pair_settled || return 1
  log "$tag: settled: node$PRIMARY primary, node$SECONDARY secondary, $(acks) acknowledged writes"
  kill_primary_node "$tag" host-death || return 1
  dead=$PRIMARY
  sleep 3
  back_ms=$(now_ms)
  start_node "$dead" "$tag"
  log "$tag: node$dead boots again (init pid $(node_pid "$dead")); nobody runs a kemari command"
  wait_for "re-protected pair (node$SECONDARY protecting to node$dead, Pacemaker clean)" $HEAL_LIMIT pair_settled_and_clean || { crm_status "$dead"; return 1; }
  [ "$SECONDARY" = "$dead" ] || { log "FAIL: node$dead came back as $(kstate "$dead"), not the secondary"; return 1; }
  log "$tag: re-protected $(( $(now_ms) - back_ms )) ms after node$dead booted: node$PRIMARY $(kstate $PRIMARY), node$SECONDARY $(kstate $SECONDARY)"
  crm_status $PRIMARY
  agent_lines $PRIMARY 'kemari.*(protected again|initial synchronisation|protected from)'
  echo "return reprotected_after_boot_ms=$(( $(now_ms) - back_ms ))" >> "$W/timings"
  local before; before=$(acks)
  wait_for "output while re-protected" 20 new_output_after "$before" || return 1
  kill_primary_node "$tag" second-host-death || return 1
  verdict "$KILL_MS"
}

# Scenario 4: a planned move of the promoted role (crm_resource --move --promoted, what `crm
# resource move` does): the primary hands the guest over (pause, final epoch acknowledged, lease
# released), the other node is promoted and brings its replica up, the old primary becomes its
# secondary, and the pair is protected again.
scenario_switchover() {
  local tag=$1 move_ms old first_ms
  start_cluster "$tag" || return 1
  wait_for "settled pair" $SETTLE_LIMIT pair_settled_and_clean || return 1
  log "$tag: settled: node$PRIMARY primary, node$SECONDARY secondary, $(acks) acknowledged writes"
  old=$PRIMARY
  poll_phases $SECONDARY "$C/phases.node$SECONDARY" & POLLER_PID=$!
  track poller.$SECONDARY $POLLER_PID
  sleep 2
  local before; before=$(acks)
  move_ms=$(now_ms)
  on $PRIMARY crm_resource --resource $PAIR-clone --move --promoted --node node$SECONDARY >> "$C/crm.log" 2>&1 \
    || { log "FAIL: crm_resource --move: $(tail -2 "$C/crm.log")"; return 1; }
  log "$tag: crm_resource --move --promoted to node$SECONDARY; $before writes acknowledged"
  wait_for "moved pair (node$SECONDARY protecting to node$old, Pacemaker clean)" $HEAL_LIMIT moved_from "$old" || { crm_status 1; crm_status 2; return 1; }
  kill "$POLLER_PID" 2>/dev/null || true; POLLER_PID=
  first_ms=$(grep -E "^checker: connection [0-9]+ from .* first acknowledgement" "$C/checker.log" | tail -1 | grep -oE '[0-9]+$')
  log "$tag: moved: node$PRIMARY $(kstate $PRIMARY), node$SECONDARY $(kstate $SECONDARY), $(( $(now_ms) - move_ms )) ms after the move"
  log "TIMING: move -> first output from node$PRIMARY: $(since "$first_ms" "$move_ms") ms; node$PRIMARY phases: $(awk '{print $2"/"$3}' "$C/phases.node$PRIMARY" | uniq | tr '\n' ' ')"
  agent_lines $old 'kemari.*(switchover|handed over|moves to)'
  agent_lines $PRIMARY 'kemari.*(promot|failover|took over)'
  crm_status $PRIMARY
  echo "switchover move_to_output_ms=$(since "$first_ms" "$move_ms") reprotected_ms=$(( $(now_ms) - move_ms ))" >> "$W/timings"
  on $PRIMARY crm_resource --resource $PAIR-clone --clear >> "$C/crm.log" 2>&1 || true
  local after; after=$(acks)
  wait_for "output after the move" 20 new_output_after "$after" || return 1
  verdict "$move_ms"
}

# The pair settled with the other node as primary, and Pacemaker agrees.
moved_from() { pair_settled_and_clean && [ "$PRIMARY" != "$1" ]; }

# Kills the primary node (SIGKILL of its init: every process of the node at once) and waits for
# Pacemaker to promote the survivor and for the replica's first output; records the timings
# under <label>. Sets KILL_MS.
KILL_MS=
kill_primary_node() {
  local tag=$1 label=$2 first_ms
  poll_phases $SECONDARY "$C/phases.node$SECONDARY" & POLLER_PID=$!
  track poller.$SECONDARY $POLLER_PID
  sleep 3
  local before; before=$(acks)
  KILL_MS=$(now_ms)
  kill -KILL "$(node_pid $PRIMARY)"
  log "$tag: SIGKILL of node$PRIMARY's init (pid $(node_pid $PRIMARY)): every process of the node ends; $before writes acknowledged"
  if [ "$PRIMARY" = 1 ]; then INIT1=; else INIT2=; fi
  wait_for "promoted survivor (kemari failed over on node$SECONDARY and Pacemaker promoted it)" $FAILOVER_LIMIT survivor_promoted || { crm_status $SECONDARY; return 1; }
  wait_for "new output after the failover" 30 new_output_after "$before" || return 1
  sleep 3
  kill "$POLLER_PID" 2>/dev/null || true; POLLER_PID=
  crm_status $SECONDARY
  agent_lines $SECONDARY 'kemari.*(promot|failover|failed over|taking|took over)'
  first_ms=$(grep -E "^checker: connection [0-9]+ from .* first acknowledgement" "$C/checker.log" | tail -1 | grep -oE '[0-9]+$')
  timings "$KILL_MS" "$first_ms" "$label"
}

survivor_promoted() {
  [[ $(kstate $SECONDARY) == "secondary failed-over "* ]] \
    && on $SECONDARY crm_mon -1 2>/dev/null | grep -qE "Promoted: \[ node$SECONDARY \]|Masters: \[ node$SECONDARY \]"
}
new_output_after() { [ "$(acks)" -gt "$1" ]; }

timings() {
  local kill_ms=$1 first_ms=$2 label=$3 corosync_line pcmk_line promote_line t_coro t_pcmk t_prom t_take t_fo
  local clog=$C/node$SECONDARY/log/corosync/corosync.log plog=$C/node$SECONDARY/log/pacemaker/pacemaker.log
  corosync_line=$(first_after "$kill_ms" "$clog" 'A new membership .* was formed|Members left')
  pcmk_line=$(first_after "$kill_ms" "$plog" "Node node$PRIMARY state is now lost|node$PRIMARY.* lost")
  promote_line=$(first_after "$kill_ms" "$plog" 'Requesting local execution of promote operation')
  local done_line t_done
  done_line=$(first_after "$kill_ms" "$plog" 'Result of promote operation')
  t_done=$(line_ms "$done_line")
  t_coro=$(line_ms "$corosync_line") t_pcmk=$(line_ms "$pcmk_line") t_prom=$(line_ms "$promote_line")
  t_take=$(awk -v k="$kill_ms" '$1>=k && $3=="taking-over"{print $1; exit}' "$C/phases.node$SECONDARY")
  t_fo=$(awk -v k="$kill_ms" '$1>=k && $3=="failed-over"{print $1; exit}' "$C/phases.node$SECONDARY")
  log "TIMING: kill -> first replica output: $(since "$first_ms" "$kill_ms") ms"
  log "TIMING:   kemari: primary lost (taking-over) at +$(since "${t_take:-0}" "$kill_ms") ms, lease taken and replica running (failed-over) at +$(since "${t_fo:-0}" "$kill_ms") ms (witness lease ${LEASE_MS} ms)"
  log "TIMING:   corosync: new membership at +$(since "${t_coro:-0}" "$kill_ms") ms (token $TOKEN_MS ms): $corosync_line"
  log "TIMING:   pacemaker: node lost at +$(since "${t_pcmk:-0}" "$kill_ms") ms, promote requested at +$(since "${t_prom:-0}" "$kill_ms") ms, promote done at +$(since "${t_done:-0}" "$kill_ms") ms"
  log "TIMING:   so: detection (corosync) $(since "${t_coro:-0}" "$kill_ms") ms, Pacemaker's reaction $(since "${t_prom:-0}" "${t_coro:-0}") ms, the agent's promote (kemari status, kemari failover: lease, replica unpaused) to first output $(since "$first_ms" "${t_prom:-0}") ms"
  echo "$label kill_to_output_ms=$(since "$first_ms" "$kill_ms") taking_over_ms=$(since "${t_take:-0}" "$kill_ms") failed_over_ms=$(since "${t_fo:-0}" "$kill_ms") corosync_ms=$(since "${t_coro:-0}" "$kill_ms") promote_requested_ms=$(since "${t_prom:-0}" "$kill_ms") promote_done_ms=$(since "${t_done:-0}" "$kill_ms")" >> "$W/timings"
}

# ---------------------------------------------------------------------------------------------
# Not in CI: only the primary's kemari daemon dies (SIGKILL), its host and Pacemaker live on.
# Pacemaker learns of it from the promoted instance's monitor (not running) and promotes the
# secondary, whose receiver waited (--manual-failover) with the replica paused.
scenario_daemon_death() {
  local tag=$1 kill_ms pid
  start_cluster "$tag" || return 1
  wait_for "settled pair" $SETTLE_LIMIT pair_settled || return 1
  log "$tag: settled: node$PRIMARY primary, node$SECONDARY secondary, $(acks) acknowledged writes"
  poll_phases $SECONDARY "$C/phases.node$SECONDARY" & POLLER_PID=$!
  track poller.$SECONDARY $POLLER_PID
  pid=$(awk -F= '/^pid=/{print $2}' /proc/$(node_pid $PRIMARY)/root/run/kemari/$PAIR.state)
  local before; before=$(acks)
  kill_ms=$(now_ms)
  on $PRIMARY kill -KILL "$pid"
  log "$tag: SIGKILL of node$PRIMARY's kemari daemon (pid $pid in the node); $before writes acknowledged"
  wait_for "promoted survivor" $FAILOVER_LIMIT survivor_promoted || return 1
  log "$tag: node$SECONDARY failed over and is promoted; watching Pacemaker for 20 s"
  local t_end=$((SECONDS + 20))
  while [ $SECONDS -lt $t_end ]; do sleep 1; done
  kill "$POLLER_PID" 2>/dev/null || true; POLLER_PID=
  log "$tag: node$SECONDARY phases: $(awk '{print $2"/"$3}' "$C/phases.node$SECONDARY" | uniq | tr '\n' ' ')"
  crm_status $SECONDARY
  grep -hE "Actions: |Result of (promote|demote|stop|start|monitor) operation" "$C/node$SECONDARY/log/pacemaker/pacemaker.log" \
    | awk -v k="$kill_ms" '1' | tail -20 | sed 's/^/cluster:   /'
  verdict "$kill_ms"
}

scenario_partition() {
  local tag=$1 cut_ms
  start_cluster "$tag" || return 1
  wait_for "settled pair" $SETTLE_LIMIT pair_settled || return 1
  log "$tag: settled: node$PRIMARY primary, node$SECONDARY secondary, $(acks) acknowledged writes"
  poll_phases $PRIMARY "$C/phases.node$PRIMARY" & local p1=$!
  track poller.$PRIMARY $p1
  poll_phases $SECONDARY "$C/phases.node$SECONDARY" & POLLER_PID=$!
  track poller.$SECONDARY $POLLER_PID
  sleep 2
  cut_ms=$(now_ms)
  ip -n kmc$PRIMARY link set kmc${PRIMARY}c down
  log "$tag: link cut (kmc${PRIMARY}c down): node$PRIMARY and node$SECONDARY can no longer reach each other; both still reach the checker"
  # Both partitions keep quorum (two_node) and there is no fencing: each side's Pacemaker sees
  # the other gone, and the secondary's tries to promote. Kemari's witness lease must refuse it.
  wait_for "both partitions seeing the other node offline" 30 partitioned || { kill $p1 || true; return 1; }
  log "$tag: each node sees the other offline; quorum: node1 $(on 1 corosync-quorumtool -s 2>/dev/null | grep -oE 'Quorate: *[A-Za-z]+' | tr -s ' '), node2 $(on 2 corosync-quorumtool -s 2>/dev/null | grep -oE 'Quorate: *[A-Za-z]+' | tr -s ' ') (two_node: each half keeps quorum; no fencing); holding the partition 25 s"
  local t_end=$((SECONDS + 25)) two=0
  while [ $SECONDS -lt $t_end ]; do
    if [[ $(kstate $SECONDARY) == *"failed-over"* || $(kstate $SECONDARY) == "primary "* ]]; then two=1; fi
    sleep 0.2
  done
  log "$tag: during the partition node$PRIMARY was: $(awk '{print $2"/"$3}' "$C/phases.node$PRIMARY" | uniq | tr '\n' ' ')"
  log "$tag: during the partition node$SECONDARY was: $(awk '{print $2"/"$3}' "$C/phases.node$SECONDARY" | uniq | tr '\n' ' ')"
  local plog=$C/node$SECONDARY/log/pacemaker/pacemaker.log
  log "$tag: Pacemaker on node$SECONDARY (quorate alone: two_node) tried to promote it:"
  grep -E 'promote' "$plog" | grep -E 'Result of promote|Requesting local execution of promote' | head -4 | sed 's/^/cluster:   /' || true
  log "$tag: what refused it (kemari's witness lease):"
  grep -hE 'witness lease|lease .* held|still renews' "$plog" "$C/node$SECONDARY/log/pacemaker/"*.log 2>/dev/null | head -3 | sed 's/^/cluster:   /' || true
  [ "$two" = 0 ] || { log "FAIL: node$SECONDARY ran the guest during the partition"; kill $p1; return 1; }
  ip -n kmc$PRIMARY link set kmc${PRIMARY}c up
  local heal_ms; heal_ms=$(now_ms)
  log "$tag: link healed"
  local old_primary=$PRIMARY
  wait_for "recovered pair (one primary protected, one secondary with a replica)" $HEAL_LIMIT pair_settled_and_clean || { crm_status 1; kill $p1 || true; return 1; }
  kill $p1 2>/dev/null || true; kill "$POLLER_PID" 2>/dev/null || true; POLLER_PID=
  log "$tag: recovered $(( ($(now_ms) - heal_ms) / 1000 )) s after the heal: node$PRIMARY primary, node$SECONDARY secondary ($(kstate $SECONDARY))"
  [ "$PRIMARY" = "$old_primary" ] || log "$tag: note: the primary moved from node$old_primary to node$PRIMARY"
  crm_status $PRIMARY
  local before; before=$(acks)
  wait_for "output after the heal" 20 new_output_after "$before" || return 1
  echo "partition recovered_after_heal_s=$(( ($(now_ms) - heal_ms) / 1000 ))" >> "$W/timings"
  verdict ""
}

partitioned() {
  on 1 crm_mon -1 2>/dev/null | grep -qE 'OFFLINE: \[ node2 \]|node2: (OFFLINE|UNCLEAN)' \
    && on 2 crm_mon -1 2>/dev/null | grep -qE 'OFFLINE: \[ node1 \]|node1: (OFFLINE|UNCLEAN)'
}

# Settled, and Pacemaker agrees: one Promoted, one Unpromoted, no failed actions left.
pair_settled_and_clean() {
  pair_settled || return 1
  local m; m=$(on $PRIMARY crm_mon -1 2>/dev/null)
  echo "$m" | grep -qE "Promoted: \[ node$PRIMARY \]" && echo "$m" | grep -qE "Unpromoted: \[ node$SECONDARY \]"
}

# ---------------------------------------------------------------------------------------------
total=0 passed=0
for ((r = 1; r <= runs; r++)); do
  for s in "${scenarios[@]}"; do
    total=$((total + 1))
    tag=$s-$r
    log "=== $tag ($(date -u +%H:%M:%S))"
    t0=$SECONDS
    # a subshell, so that errexit holds in the scenario (it does not in a function called from a
    # condition): any failing step fails the scenario, and the next one still runs
    set +e
    ( set -e; "scenario_${s//-/_}" "$tag" )
    ok=$?
    set -e
    stop_cluster
    [ "$ok" = 0 ] && ok=1 || ok=0
    if [ "$ok" = 1 ]; then
      passed=$((passed + 1))
      log "=== $tag: PASS ($((SECONDS - t0)) s)"
    else
      failed=1
      log "=== $tag: FAIL ($((SECONDS - t0)) s); logs in $W/$tag"
    fi
  done
done
[ -f "$W/timings" ] && sed 's/^/cluster: timings: /' "$W/timings"
log "$passed of $total scenario runs passed"
[ "$failed" = 0 ]
