#!/bin/sh
# Builds the native pieces xen-bridge's tests need, against the installed Xen headers:
#   <out>/abi-probe.txt    output of abi-probe.c (ABI facts the JNA bindings must match)
#   <out>/libxen-double.so xen-double.c, a test double of the Xen tool libraries
# Usage: build-for-tests.sh <out-dir>. On any failure it writes <out>/<name>.err with the
# reason and still exits 0: the test that needs the piece reads the .err file and fails with
# that reason, which says more than a failed build step would.
out=${1:?usage: build-for-tests.sh <out-dir>}
src=$(dirname "$0")
cc=${CC:-gcc}
mkdir -p "$out" && rm -f "$out"/abi-probe.txt "$out"/abi-probe.err "$out"/libxen-double.so "$out"/xen-double.err
if ! command -v "$cc" >/dev/null 2>&1; then
    for name in abi-probe xen-double; do
        echo "$cc not found: install gcc (and libxen-dev for the Xen headers)" > "$out/$name.err"
    done
    exit 0
fi
if "$cc" -std=gnu11 -Wall -Werror -o "$out/abi-probe" "$src/abi-probe.c" 2> "$out/abi-probe.err"; then
    if "$out/abi-probe" > "$out/abi-probe.tmp" 2>> "$out/abi-probe.err"; then
        mv "$out/abi-probe.tmp" "$out/abi-probe.txt" && rm -f "$out/abi-probe.err"
    else
        echo "abi-probe exited with status $?" >> "$out/abi-probe.err"
    fi
fi
if "$cc" -std=gnu11 -Wall -Werror -shared -fPIC -o "$out/libxen-double.so" "$src/xen-double.c" \
        2> "$out/xen-double.err"; then
    rm -f "$out/xen-double.err"
fi
exit 0
