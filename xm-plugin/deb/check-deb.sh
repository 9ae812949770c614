#!/usr/bin/env bash
# check-deb.sh: checks the package build-deb.sh made; Maven runs it at `verify` (xm-plugin/pom.xml).
#  1. it holds exactly the paths, modes and owners listed in deb/contents;
#  2. its Depends name the Debian package of every Xen library xen-bridge binds (by soname);
#  3. its kemari(1) has an entry for every verb `kemari --help` lists;
#  4. lintian reports no tag at all, pedantic and experimental included (those it keeps are
#     overridden, each with its reason, in deb/lintian-overrides).
# Every failure is one line naming the package and what is wrong; all are reported, then exit 1.
# Usage: check-deb.sh <maven-version> <out-dir>
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
. "$here/lib.sh"
[ $# -eq 2 ] || die "usage: check-deb.sh <maven-version> <out-dir>"
deb=$(deb_file "$1" "$2")
jar=$2/kemari.jar
repo=$(dirname "$(dirname "$here")")
[ -f "$deb" ] || die "$deb not found (build-deb.sh makes it at package)"
for tool in dpkg-deb lintian man java; do
  command -v "$tool" > /dev/null || die "$tool not found (./verify installs what the build needs)"
done

failures=0
fail() {
  echo "check-deb: $(basename "$deb"): $*" >&2
  failures=$((failures + 1))
}

# 1. "mode owner/group path" per entry, as deb/contents lists them (sizes and dates left out)
if ! diff=$(diff -u "$here/contents" <(dpkg-deb -c "$deb" | awk '{ $3 = $4 = $5 = ""; print }' | tr -s ' ')); then
  fail "contents differ from xm-plugin/deb/contents (- expected, + in the package):"
  printf '%s\n' "$diff" | tail -n +3 | grep '^[-+]' >&2
fi

# 2. Depends and the sonames of xen-bridge's Xen bindings (found with dpkg -S: ./verify installs
#    libxen-dev, which brings every one of these libraries). Its libc binding needs no Depends:
#    libc6 is on every Debian system.
depends=$(dpkg-deb -f "$deb" Depends)
mapfile -t sonames < <(sed -n 's/^ *String SONAME = "\(libxen.*\)";/\1/p' "$repo"/xen-bridge/src/main/java/org/kemari/xen/jna/bind/*.java)
[ ${#sonames[@]} -gt 0 ] || fail "no libxen SONAME found in xen-bridge/src/main/java/org/kemari/xen/jna/bind/"
for soname in "${sonames[@]}"; do
  if ! pkg=$(dpkg -S "*/$soname" 2> /dev/null | head -1 | cut -d: -f1) || [ -z "$pkg" ]; then
    fail "no installed Debian package has $soname (xen-bridge binds it): apt-get install libxen-dev"
  elif ! [[ ", $depends," == *", $pkg,"* ]]; then
    fail "Depends lacks $pkg, which has $soname (xen-bridge binds it): add it in xm-plugin/deb/control"
  fi
done

# 3. kemari(1) as man shows it in an 80-column terminal: without a warning from groff (lintian
#    looks at 120 columns only), and with a VERBS entry for each verb `kemari --help` lists
man_dir=$(mktemp -d)
trap 'rm -rf "$man_dir"' EXIT
dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/share/man/man1/kemari.1.gz > "$man_dir/kemari.1.gz"
MANWIDTH=80 man --warnings -l "$man_dir/kemari.1.gz" > "$man_dir/kemari.txt" 2> "$man_dir/warnings"
if [ -s "$man_dir/warnings" ]; then
  fail "man warns about kemari(1) at 80 columns: $(head -1 "$man_dir/warnings")"
fi
mapfile -t verbs < <(java -jar "$jar" --help | awk '/^verbs:/ { on = 1; next } on && NF == 0 { exit } on { print $1 }')
[ ${#verbs[@]} -gt 0 ] || fail "$jar --help lists no verbs"
verbs_section=$(awk '/^VERBS/ { on = 1; next } /^[A-Z]/ { on = 0 } on' "$man_dir/kemari.txt")
for verb in "${verbs[@]}"; do
  grep -Eq "^ {7}([a-z]+, )*$verb\b" <<< "$verbs_section" \
    || fail "kemari(1) has no VERBS entry for '$verb' (kemari --help lists it): add it to docs/kemari.1.md"
done

# 4. lintian at every level down to pedantic, experimental tags included: any tag it prints fails
#    (executable-in-usr-lib, the OCF agent's, is pedantic and experimental). Not --show-overrides:
#    lintian then counts the overridden tags towards --fail-on.
lintian --fail-on error,warning,info,pedantic,experimental --display-level '>=pedantic' --display-experimental "$deb" >&2 \
  || fail "lintian reports the tags above: fix them, or override one with its reason in xm-plugin/deb/lintian-overrides"

[ "$failures" -eq 0 ] || exit 1
echo "check-deb: $(basename "$deb"): contents, Depends, kemari(1) verbs and lintian ok"
