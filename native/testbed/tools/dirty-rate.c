/*
 * tb-dirty-rate DOMID SECONDS: how many distinct pages the domain dirtied in SECONDS, as Xen's
 * log-dirty bitmap reports it. Runs in dom0 of the testbed.
 *
 * This is the testbed's independent witness that the guest workload really writes memory
 * (and that a paused guest writes none), measured with plain libxenctrl so it does not depend
 * on the Java backend it is meant to check. Log-dirty is switched off again on every exit
 * path after it was switched on, so a later test finds the domain as it was.
 *
 * Prints one line: "dirty_pages=N seconds=S pages_per_sec=R bitmap_pages=B".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xenctrl.h>

static long count_bits(const unsigned long *bm, unsigned long bits) {
    long n = 0;
    for (unsigned long i = 0; i < (bits + 63) / 64; i++) n += __builtin_popcountl(bm[i]);
    return n;
}

static long parse_at_least(const char *what, const char *text, long min) {
    char *end;
    long v = strtol(text, &end, 10);
    if (!*text || *end || v < min) {
        fprintf(stderr, "tb-dirty-rate: %s must be an integer >= %ld, got '%s'\n", what, min, text);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: tb-dirty-rate DOMID SECONDS\n");
        return 2;
    }
    uint32_t dom = (uint32_t) parse_at_least("DOMID", argv[1], 1);
    long seconds = parse_at_least("SECONDS", argv[2], 1);

    xc_interface *xch = xc_interface_open(NULL, NULL, 0);
    if (!xch) {
        fprintf(stderr, "tb-dirty-rate: xc_interface_open failed: %s (not dom0?)\n", strerror(errno));
        return 1;
    }
    xen_pfn_t max_gpfn = 0;
    if (xc_domain_maximum_gpfn(xch, dom, &max_gpfn) < 0) {
        fprintf(stderr, "tb-dirty-rate: xc_domain_maximum_gpfn(dom %u): %s\n", dom, strerror(errno));
        return 1;
    }
    unsigned long bits = max_gpfn + 1;
    size_t bytes = (bits + 63) / 64 * 8;
    DECLARE_HYPERCALL_BUFFER(unsigned long, bitmap);
    bitmap = xc_hypercall_buffer_alloc_pages(xch, bitmap, (bytes + 4095) / 4096);
    if (!bitmap) {
        fprintf(stderr, "tb-dirty-rate: cannot allocate a %zu-byte hypercall buffer\n", bytes);
        return 1;
    }

    if (xc_logdirty_control(xch, dom, XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY, NULL, 0, 0, NULL) < 0) {
        fprintf(stderr, "tb-dirty-rate: enabling log-dirty on dom %u: %s\n", dom, strerror(errno));
        return 1;
    }
    int rc = 1;
    xc_shadow_op_stats_t stats;
    /* the first clean throws away what was dirtied before the measurement window */
    if (xc_logdirty_control(xch, dom, XEN_DOMCTL_SHADOW_OP_CLEAN, HYPERCALL_BUFFER(bitmap), bits, 0, &stats) < 0) {
        fprintf(stderr, "tb-dirty-rate: initial clean on dom %u: %s\n", dom, strerror(errno));
        goto off;
    }
    struct timespec window = { .tv_sec = seconds };
    nanosleep(&window, NULL);
    memset(bitmap, 0, bytes);
    if (xc_logdirty_control(xch, dom, XEN_DOMCTL_SHADOW_OP_CLEAN, HYPERCALL_BUFFER(bitmap), bits, 0, &stats) < 0) {
        fprintf(stderr, "tb-dirty-rate: clean on dom %u: %s\n", dom, strerror(errno));
        goto off;
    }
    long dirty = count_bits(bitmap, bits);
    printf("dirty_pages=%ld seconds=%ld pages_per_sec=%ld bitmap_pages=%lu\n",
           dirty, seconds, dirty / seconds, bits);
    rc = 0;
off:
    if (xc_logdirty_control(xch, dom, XEN_DOMCTL_SHADOW_OP_OFF, NULL, 0, 0, NULL) < 0) {
        fprintf(stderr, "tb-dirty-rate: log-dirty OFF on dom %u: %s\n", dom, strerror(errno));
        rc = 1;
    }
    xc_hypercall_buffer_free_pages(xch, bitmap, (bytes + 4095) / 4096);
    xc_interface_close(xch);
    return rc;
}
