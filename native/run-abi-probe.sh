#!/bin/sh
# Compiles abi-probe.c against the installed Xen headers and runs it.
# Usage: run-abi-probe.sh <out-dir>. Writes <out-dir>/abi-probe.txt, or on any failure
# <out-dir>/abi-probe.err with the reason, and exits 0 either way: the ABI test reads the
# .err file and fails with that reason, which says more than a failed build step would.
out=${1:?usage: run-abi-probe.sh <out-dir>}
src=$(dirname "$0")/abi-probe.c
mkdir -p "$out" && rm -f "$out/abi-probe.txt" "$out/abi-probe.err"
if ! command -v "${CC:-gcc}" >/dev/null 2>&1; then
    echo "${CC:-gcc} not found: install gcc (and libxen-dev for the Xen headers)" > "$out/abi-probe.err"
    exit 0
fi
if ! "${CC:-gcc}" -std=gnu11 -Wall -Werror -o "$out/abi-probe" "$src" 2> "$out/abi-probe.err"; then
    exit 0
fi
if "$out/abi-probe" > "$out/abi-probe.tmp" 2>> "$out/abi-probe.err"; then
    mv "$out/abi-probe.tmp" "$out/abi-probe.txt" && rm -f "$out/abi-probe.err"
else
    echo "abi-probe exited with status $?" >> "$out/abi-probe.err"
fi
exit 0
