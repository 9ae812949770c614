# Sourced by build-deb.sh and check-deb.sh: where the package is and what it is called.

# Debian version of a Maven version: "-SNAPSHOT" becomes "~SNAPSHOT", which sorts before the
# release (0.1.0~SNAPSHOT-1 < 0.1.0-1), then Debian revision 1. The revision makes the package
# non-native, as it is (the upstream is this repository), hence changelog.Debian.gz.
deb_version() {
  printf '%s-1\n' "${1//-/\~}"
}

# deb_file <maven-version> <out-dir>
deb_file() {
  printf '%s/kemari_%s_all.deb\n' "$2" "$(deb_version "$1")"
}

die() {
  echo "$(basename "$0"): $*" >&2
  exit 1
}
