#!/bin/sh
# Builds the native pieces the tests need, against the installed Xen headers:
#   <out>/abi-probe.txt    output of abi-probe.c (ABI facts the JNA bindings must match)
#   <out>/ring-probe.txt   output of ring-probe.c (ring layouts ringsync must match)
#   <out>/libxen-double.so xen-double.c, a test double of the Xen tool libraries
# Usage: build-for-tests.sh <out-dir>. On any failure it writes <out>/<name>.err with the
# reason and still exits 0: the test that needs the piece reads the .err file and fails with
# that reason, which says more than a failed build step would.
out=${1:?usage: build-for-tests.sh <out-dir>}
src=$(dirname "$0")
cc=${CC:-gcc}
mkdir -p "$out" && rm -f "$out"/abi-probe.txt "$out"/abi-probe.err "$out"/ring-probe.txt "$out"/ring-probe.err \
    "$out"/libxen-double.so "$out"/xen-double.err
if ! command -v "$cc" >/dev/null 2>&1; then
    for name in abi-probe ring-probe xen-double; do
        echo "$cc not found: install gcc (and libxen-dev for the Xen headers)" > "$out/$name.err"
    done
    exit 0
fi
# probe NAME: compiles NAME.c and runs it into NAME.txt
probe() {
    if "$cc" -std=gnu11 -Wall -Werror -o "$out/$1" "$src/$1.c" 2> "$out/$1.err"; then
        if "$out/$1" > "$out/$1.tmp" 2>> "$out/$1.err"; then
            mv "$out/$1.tmp" "$out/$1.txt" && rm -f "$out/$1.err"
        else
            echo "$1 exited with status $?" >> "$out/$1.err"
        fi
    fi
}
probe abi-probe
probe ring-probe
if "$cc" -std=gnu11 -Wall -Werror -shared -fPIC -o "$out/libxen-double.so" "$src/xen-double.c" \
        2> "$out/xen-double.err"; then
    rm -f "$out/xen-double.err"
fi
exit 0
