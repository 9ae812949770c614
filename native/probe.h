/*
 * The line format of kemari's header probes (abi-probe.c, ring-probe.c), which the Java tests
 * parse with one reader (xen-bridge's AbiProbe):
 *
 *   struct <name> size <bytes> align <bytes>
 *   field <struct>.<field> <offset> size <bytes>
 *   const <NAME> <value>
 */
#ifndef KEMARI_PROBE_H
#define KEMARI_PROBE_H

#include <stddef.h>
#include <stdio.h>

#define STRUCT(T, name) printf("struct %s size %zu align %zu\n", name, sizeof(T), _Alignof(T))
#define FIELD(T, name, f) printf("field %s.%s %zu size %zu\n", name, #f, offsetof(T, f), sizeof(((T *)0)->f))
#define CONST(c) printf("const %s %lld\n", #c, (long long)(c))
#define CONST_AS(name, v) printf("const %s %lld\n", name, (long long)(v))

#endif
