# Host-side pieces of the testbed, sourced by testbed.sh and ci.sh: package check, the cached
# boot images, the dom0 tools and the Java helper. Everything built here lands under
# $TB_CACHE, which dom0 sees at the same path (the host root is its root), so nothing has to be
# copied into the VM.

TB_HOME=${TB_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
TB_REPO=${TB_REPO:-$(cd "$TB_HOME/../.." && pwd)}
TB_CACHE=${KEMARI_TB_CACHE:-/var/tmp/kemari-testbed}
TB_PACKAGES="qemu-system-x86 xen-hypervisor-4.17-amd64 xen-utils-4.17 busybox-static cpio linux-image-amd64 gcc libc6-dev libxen-dev"
TB_HVM_PACKAGES="qemu-system-xen"
# drivers dom0 needs, in load order: Xen devices first, then what the 9p host root and its overlay need
TB_DOM0_MODULES="xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs virtio_ring virtio
  virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci netfs fscache 9pnet 9pnet_virtio 9p overlay"
TB_GUEST_MODULES="xen-blkfront"
# the emulated IDE disk and e1000 of the io guest (kemari.io=1), in load order; loaded only there:
# probing them costs every other HVM guest's boot time under emulation
TB_GUEST_IO_MODULES="scsi_common scsi_mod libata ata_piix crct10dif_common crc-t10dif crc64 crc64-rocksoft t10-pi sd_mod e1000"

tb_t0=${tb_t0:-$(date +%s.%N)}
tb_log() { printf '[testbed %6.1fs] %s\n' "$(awk -v a="$(date +%s.%N)" -v b="$tb_t0" 'BEGIN{print a-b}')" "$*" >&2; }
tb_die() { echo "testbed: $*" >&2; exit 2; }

# Installs what is missing (as root), else names it. $1 = "hvm" to include the HVM device model.
tb_require_packages() {
  local want=$TB_PACKAGES missing="" p
  [ "${1:-}" = hvm ] && want="$want $TB_HVM_PACKAGES"
  for p in $want; do
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" = installed ] || missing="$missing $p"
  done
  [ -z "$missing" ] && return 0
  [ "$(id -u)" = 0 ] || tb_die "missing Debian packages:$missing (run as root or: apt-get install$missing)"
  tb_log "installing:$missing"
  # xen-utils' postinst complains that this host is no Xen host: expected, the testbed boots its own
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing > "$TB_CACHE/apt.log" 2>&1 \
    || { DEBIAN_FRONTEND=noninteractive apt-get update -q > /dev/null 2>&1 &&
         DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing > "$TB_CACHE/apt.log" 2>&1; } \
    || tb_die "apt-get install$missing failed, see $TB_CACHE/apt.log"
}

# One testbed at a time: two emulated machines on 2 shared cores would each run too slowly
# for their own time limits. The lock is held on fd 9 until the process exits.
tb_lock() {
  exec 9> "$TB_CACHE/lock"
  if ! flock -n 9; then
    tb_log "waiting for another testbed run to finish (lock $TB_CACHE/lock)"
    flock -w "${KEMARI_TB_LOCK_WAIT:-900}" 9 || tb_die "another testbed run still holds $TB_CACHE/lock"
  fi
}

tb_kernel_version() {
  local k
  k=$(ls /usr/lib/modules 2>/dev/null | sort -V | tail -1)
  [ -n "$k" ] && [ -r "/boot/vmlinuz-$k" ] || tb_die "no kernel in /boot with modules in /usr/lib/modules (install linux-image-amd64)"
  echo "$k"
}

# modules $3... of kernel $2, uncompressed, into directory $1, named so that a glob lists them in load order
tb_modules() {
  local dir=$1 kver=$2 i=0 m path dst; shift 2
  mkdir -p "$dir"
  for m in "$@"; do
    path=$(find "/usr/lib/modules/$kver/kernel" -name "$m.ko*" | head -1)
    [ -n "$path" ] || tb_die "kernel module $m not found under /usr/lib/modules/$kver"
    i=$((i + 1))
    dst=$dir/$(printf %02d $i)-$m.ko
    case $path in
      *.xz) xz -dc "$path" > "$dst";;
      *.zst) zstd -qdc "$path" > "$dst";;
      *) cp "$path" "$dst";;
    esac
  done
}

# cpio image of directory $1 with modules $3... copied in load order, to $2
tb_initramfs() {
  local root=$1 out=$2 kver=$3; shift 3
  mkdir -p "$root"/{bin,dev,proc,sys,tmp,lib/modules}
  cp /bin/busybox "$root/bin/busybox"
  tb_modules "$root/lib/modules" "$kver" "$@"
  (cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$out"
}

# Sets TB_IMG: a directory with xen (the hypervisor, gunzipped: QEMU's multiboot loader wants
# the ELF), dom0-initrd.gz, guest-initrd.gz and tb-logdirty, keyed by everything that goes
# into them, so a rerun with unchanged inputs builds nothing.
tb_images() {
  TB_KVER=$(tb_kernel_version)
  TB_KERNEL=/boot/vmlinuz-$TB_KVER
  local xengz; xengz=$(ls /boot/xen-4.17*-amd64.gz 2>/dev/null | head -1)
  [ -n "$xengz" ] || tb_die "no /boot/xen-4.17*-amd64.gz (install xen-hypervisor-4.17-amd64)"
  case "$(ldd /bin/busybox 2>&1 || true)" in *"not a dynamic"*) ;; *) tb_die "/bin/busybox is not static (install busybox-static)";; esac
  local key
  key=$( { sha256sum "$TB_HOME/lib/dom0-init" "$TB_HOME/lib/guest-init" "$TB_HOME/guest/dirtier.c" \
             "$TB_HOME/guest/iowriter.c" "$TB_HOME/guest/guest-args.h" \
             "$TB_HOME/tools/logdirty.c" "$TB_HOME/tools/pausewatch.c" "$TB_HOME/lib/host.sh"
           stat -c '%n %s %Y' "$TB_KERNEL" "$xengz" /bin/busybox /usr/lib/x86_64-linux-gnu/libxenctrl.so
           gcc --version | head -1; } | sha256sum | cut -c1-16)
  TB_IMG=$TB_CACHE/images/$key
  [ -f "$TB_IMG/complete" ] && { tb_log "images cached: $TB_IMG"; return 0; }
  tb_log "building images into $TB_IMG"
  # only one key is ever current; older image sets are dead weight
  rm -rf "$TB_CACHE/images"
  local tmp=$TB_IMG.tmp.$$
  mkdir -p "$tmp/d0" "$tmp/gu/bin"
  zcat "$xengz" > "$tmp/xen"
  cp "$TB_HOME/lib/dom0-init" "$tmp/d0/init"
  # shellcheck disable=SC2086
  tb_initramfs "$tmp/d0" "$tmp/dom0-initrd.gz" "$TB_KVER" $TB_DOM0_MODULES
  cp "$TB_HOME/lib/guest-init" "$tmp/gu/init"
  # shellcheck disable=SC2086
  tb_modules "$tmp/gu/lib/modules/io" "$TB_KVER" $TB_GUEST_IO_MODULES
  gcc -static -O2 -Wall -Wextra -Werror -o "$tmp/gu/bin/kemari-dirtier" "$TB_HOME/guest/dirtier.c" \
    || tb_die "cannot build the guest workload (gcc -static, needs libc6-dev)"
  gcc -static -O2 -Wall -Wextra -Werror -o "$tmp/gu/bin/kemari-iowriter" "$TB_HOME/guest/iowriter.c" \
    || tb_die "cannot build the guest's disk-and-network workload (gcc -static, needs libc6-dev)"
  # shellcheck disable=SC2086
  tb_initramfs "$tmp/gu" "$tmp/guest-initrd.gz" "$TB_KVER" $TB_GUEST_MODULES
  gcc -O2 -Wall -Wextra -Werror -o "$tmp/tb-logdirty" "$TB_HOME/tools/logdirty.c" -lxenctrl \
    || tb_die "cannot build tb-logdirty (needs libxen-dev)"
  gcc -O2 -Wall -Wextra -Werror -o "$tmp/tb-pausewatch" "$TB_HOME/tools/pausewatch.c" -lxenctrl -lxenlight -lxentoollog \
    || tb_die "cannot build tb-pausewatch (needs libxen-dev)"
  rm -rf "$tmp/d0" "$tmp/gu"
  touch "$tmp/complete"
  mv "$tmp" "$TB_IMG"
}

# tb_mvn LOG ARGS...: runs Maven on the repository, offline first (what it needs is normally in
# the local repository from the build), then online; output to LOG.
tb_mvn() {
  local log=$1; shift
  { mvn -o -B -q -f "$TB_REPO/pom.xml" "$@" || mvn -B -q -f "$TB_REPO/pom.xml" "$@"; } > "$log" 2>&1
}

# Prints the path of the JNA jar the build uses: from the local Maven repository, else copied by
# Maven into $TB_CACHE/jna (a build that ran elsewhere, or a custom local repository, leaves the
# default path empty). Fails when Maven cannot obtain it either.
tb_jna_jar() {
  local v jar
  v=$(sed -n 's:.*<jna.version>\(.*\)</jna.version>.*:\1:p' "$TB_REPO/pom.xml")
  [ -n "$v" ] || return 1
  for jar in "${MAVEN_REPO:-$HOME/.m2/repository}/net/java/dev/jna/jna/$v/jna-$v.jar" "$TB_CACHE/jna/jna-$v.jar"; do
    [ -f "$jar" ] && { echo "$jar"; return 0; }
  done
  mkdir -p "$TB_CACHE/jna"
  tb_mvn "$TB_CACHE/jna.log" -N dependency:copy "-Dartifact=net.java.dev.jna:jna:$v" \
      "-DoutputDirectory=$TB_CACHE/jna" || return 1
  [ -f "$TB_CACHE/jna/jna-$v.jar" ] && echo "$TB_CACHE/jna/jna-$v.jar"
}

# Sets TB_JAVA_CP (empty, with TB_JAVA_WHY, when the xen-bridge jar is not built or JNA cannot
# be had): the testbed's Java helpers compiled against the built xen-bridge jar, plus that jar
# and JNA.
tb_java() {
  TB_JAVA_CP="" TB_JAVA_WHY=""
  local version jar jna key out
  version=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$TB_REPO/pom.xml" | head -1)
  jar=$TB_REPO/xen-bridge/target/xen-bridge-$version.jar
  [ -f "$jar" ] || { TB_JAVA_WHY="$jar not built (mvn -B package -pl xen-bridge)"; return 0; }
  jna=$(tb_jna_jar) \
    || { TB_JAVA_WHY="no JNA jar: not in the local Maven repository and Maven could not copy it, see $TB_CACHE/jna.log"; return 0; }
  # the TCK launcher (java/.../tck) needs JUnit: tb_tck compiles it against the test classpath
  local sources; sources=$(find "$TB_HOME/java" -name "*.java" -not -path "*/tck/*" | sort)
  [ -n "$sources" ] || { TB_JAVA_WHY="no Java sources under $TB_HOME/java"; return 0; }
  # shellcheck disable=SC2086
  key=$(cat $sources "$jar" | sha256sum | cut -c1-16)
  out=$TB_CACHE/java/$key
  if [ ! -f "$out/complete" ]; then
    rm -rf "$TB_CACHE/java"; mkdir -p "$out"
    javac -d "$out" -cp "$jar" $sources > "$TB_CACHE/javac.log" 2>&1 \
      || tb_die "javac of $TB_HOME/java failed against $jar, see $TB_CACHE/javac.log"
    touch "$out/complete"
  fi
  TB_JAVA_CP=$out:$jar:$jna
}

# Sets TB_TCK_CP (empty, with TB_TCK_WHY, when xen-bridge's test classes are not built): the
# TCK launcher of java/org/kemari/testbed/tck plus xen-bridge's classes, test classes and
# test-scope dependencies. Maven computes that classpath here on the host (in an emulated dom0
# it would take minutes), cached by the poms it comes from; the launcher is compiled against it,
# cached by its sources and that classpath.
tb_tck() {
  TB_TCK_CP="" TB_TCK_WHY=""
  local xb=$TB_REPO/xen-bridge deps key out sources
  [ -f "$xb/target/test-classes/org/kemari/xen/jna/XenTckTest.class" ] \
    || { TB_TCK_WHY="$xb/target/test-classes not built (mvn -B verify -pl xen-bridge)"; return 0; }
  key=$(cat "$TB_REPO/pom.xml" "$xb/pom.xml" | sha256sum | cut -c1-16)
  deps=$TB_CACHE/tck/classpath-$key
  if [ ! -s "$deps" ]; then
    rm -rf "$TB_CACHE/tck"; mkdir -p "$TB_CACHE/tck"
    tb_mvn "$TB_CACHE/tck-classpath.log" dependency:build-classpath -pl xen-bridge \
        -Dmdep.includeScope=test "-Dmdep.outputFile=$deps.tmp" && mv "$deps.tmp" "$deps" \
      || { TB_TCK_WHY="mvn dependency:build-classpath -pl xen-bridge failed, see $TB_CACHE/tck-classpath.log"; return 0; }
  fi
  local cp=$xb/target/test-classes:$xb/target/classes:$(cat "$deps")
  sources=$(find "$TB_HOME/java" -path "*/tck/*.java" | sort)
  [ -n "$sources" ] || { TB_TCK_WHY="no TCK launcher under $TB_HOME/java"; return 0; }
  # shellcheck disable=SC2086
  out=$TB_CACHE/tck/launcher-$( { cat $sources; echo "$cp"; } | sha256sum | cut -c1-16)
  if [ ! -f "$out/complete" ]; then
    rm -rf "$TB_CACHE"/tck/launcher-*; mkdir -p "$out"
    # shellcheck disable=SC2086
    javac -d "$out" -cp "$cp" $sources > "$TB_CACHE/javac-tck.log" 2>&1 \
      || tb_die "javac of the TCK launcher failed, see $TB_CACHE/javac-tck.log"
    touch "$out/complete"
  fi
  TB_TCK_CP=$out:$cp
}
