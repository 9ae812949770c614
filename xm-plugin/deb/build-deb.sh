#!/usr/bin/env bash
# build-deb.sh: builds kemari_<version>_all.deb from the shaded jar, xm-plugin/scripts/ and
# docs/ through a staging tree made afresh under <out-dir>/deb/, with dpkg-deb. Maven runs it at
# `package`, after the shade plugin made the jar (xm-plugin/pom.xml); by hand it runs the same.
# What goes where, and why, is in docs/admin-guide.md ("What goes where"); check-deb.sh checks it.
# Usage: build-deb.sh <maven-version> <kemari.jar> <out-dir>
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
. "$here/lib.sh"
[ $# -eq 3 ] || die "usage: build-deb.sh <maven-version> <kemari.jar> <out-dir>"
mvn_version=$1 jar=$2 out=$3
plugin=$(dirname "$here")
repo=$(dirname "$plugin")

[ -f "$jar" ] || die "$jar not found (the shade plugin makes it at package)"
for tool in dpkg-deb pandoc gzip; do
  command -v "$tool" > /dev/null || die "$tool not found (apt-get install ${tool/dpkg-deb/dpkg}; ./verify installs what the build needs)"
done

# One timestamp for every file, the man page's date and the changelog: the last commit's, or the
# caller's SOURCE_DATE_EPOCH (reproducible builds), never the time of the build.
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  SOURCE_DATE_EPOCH=$(git -C "$repo" log -1 --format=%ct 2> /dev/null) \
    || die "$repo is not a git checkout: set SOURCE_DATE_EPOCH to date the package"
fi
export SOURCE_DATE_EPOCH
version=$(deb_version "$mvn_version")
deb=$(deb_file "$mvn_version" "$out")

stage=$out/deb
root=$stage/root
rm -rf "$stage"
umask 022
mkdir -p "$root/DEBIAN"

put() { # put MODE SOURCE DEST: installs one file, making its directories 755
  install -D -m "$1" "$2" "$root/$3"
}
put 644 "$jar" usr/share/kemari/kemari.jar
put 755 "$here/kemari" usr/bin/kemari
# Not /usr/sbin/xm itself: postinst offers it as the `xm` alternative, so a real xm is never
# overwritten (docs/admin-guide.md).
put 755 "$plugin/scripts/xm" usr/libexec/kemari/xm
for unit in "$plugin"/scripts/systemd/*.service; do
  # /lib, not /usr/lib: where Debian 12's packages put units (debhelper's dh_installsystemd)
  put 644 "$unit" "lib/systemd/system/$(basename "$unit")"
done
put 755 "$plugin/scripts/ocf/kemari" usr/lib/ocf/resource.d/kemari/kemari
put 644 "$plugin/scripts/bash-completion/kemari" usr/share/bash-completion/completions/kemari
put 644 "$repo/docs/example-pair.yaml" usr/share/doc/kemari/examples/example-pair.yaml
for doc in admin-guide config-reference failover; do
  put 644 "$repo/docs/$doc.md" "usr/share/doc/kemari/$doc.md"
done
put 644 "$here/copyright" usr/share/doc/kemari/copyright
put 644 "$here/lintian-overrides" usr/share/lintian/overrides/kemari

# kemari(1) from docs/kemari.1.md. The file's first heading is its title on the web; shifted
# away, its "## NAME" etc. become the page's sections. Left-adjusted (adjusting=l): justified,
# the tables' narrow cells with long options make groff warn "cannot adjust line" on every
# `man kemari` in an 80-column terminal.
date=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d)
mkdir -p "$root/usr/share/man/man1"
pandoc -f gfm -t man -s --shift-heading-level-by=-1 -V adjusting=l \
    -M title=KEMARI -M section=1 -M date="$date" -M footer="kemari $mvn_version" -M header="Kemari Manual" \
    "$repo/docs/kemari.1.md" | gzip -9n > "$root/usr/share/man/man1/kemari.1.gz"

# Debian's changelog: this build's one entry, so its version is always the package's.
mkdir -p "$root/usr/share/doc/kemari"
{
  printf 'kemari (%s) unstable; urgency=medium\n\n' "$version"
  commit=$(git -C "$repo" rev-parse --short HEAD 2> /dev/null) || commit="(not a git checkout)"
  printf '  * Built from the kemari repository, commit %s.\n' "$commit"
  printf '    Its history is the repository'"'"'s git log.\n\n'
  printf ' -- %s  %s\n' "$(sed -n 's/^Maintainer: //p' "$here/control")" "$(date -u -R -d "@$SOURCE_DATE_EPOCH")"
} | gzip -9n > "$root/usr/share/doc/kemari/changelog.Debian.gz"

for script in postinst prerm postrm; do
  install -m 755 "$here/$script" "$root/DEBIAN/$script"
done
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
chmod 644 "$root/DEBIAN/md5sums"
installed_size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@INSTALLED_SIZE@/$installed_size/" "$here/control" > "$root/DEBIAN/control"

find "$root" -newermt "@$SOURCE_DATE_EPOCH" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
rm -f "$out"/kemari_*_all.deb
# quiet: the build says one line, below
dpkg-deb --root-owner-group --build "$root" "$deb" > /dev/null
echo "build-deb: $deb"
