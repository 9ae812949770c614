/*
 * tb-logdirty DOMID enable|clean|off: Xen's log-dirty mode of a domain, one step per call.
 *   enable  turns dirty logging on
 *   clean   prints the number of pages dirtied since the previous clean (or enable) and resets
 *   off     turns it off
 * Runs in dom0 of the testbed. It is the testbed's own witness that the guest workload writes
 * memory, and that a paused guest writes none, measured with plain libxenctrl so that it does
 * not depend on the Java backend it is there to check. One step per call because the case
 * script has to pause and unpause the guest, and read its console, between the steps: log-dirty
 * mode is hypervisor state and persists between calls.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenctrl.h>

static int fail(const char *what, uint32_t dom) {
    fprintf(stderr, "tb-logdirty: %s on dom %u: %s\n", what, dom, strerror(errno));
    return 1;
}

static int clean(xc_interface *xch, uint32_t dom) {
    xen_pfn_t max_gpfn = 0;
    if (xc_domain_maximum_gpfn(xch, dom, &max_gpfn) < 0) return fail("xc_domain_maximum_gpfn", dom);
    /* the bitmap spans every gfn up to the highest, which on PVH/HVM is near 4 GiB whatever
     * the guest's size; counting is word by word */
    unsigned long bits = max_gpfn + 1, words = (bits + 63) / 64;
    size_t pages = (words * 8 + 4095) / 4096;
    DECLARE_HYPERCALL_BUFFER(unsigned long, bitmap);
    bitmap = xc_hypercall_buffer_alloc_pages(xch, bitmap, pages);
    if (!bitmap) return fail("allocating the bitmap buffer", dom);
    memset(bitmap, 0, words * 8);
    xc_shadow_op_stats_t stats;
    int rc = 0;
    if (xc_logdirty_control(xch, dom, XEN_DOMCTL_SHADOW_OP_CLEAN, HYPERCALL_BUFFER(bitmap), bits, 0, &stats) < 0) {
        rc = fail("log-dirty CLEAN", dom);
    } else {
        long dirty = 0;
        for (unsigned long i = 0; i < words; i++) dirty += __builtin_popcountl(bitmap[i]);
        printf("%ld\n", dirty);
    }
    xc_hypercall_buffer_free_pages(xch, bitmap, pages);
    return rc;
}

int main(int argc, char **argv) {
    char *end = NULL;
    long dom = argc == 3 ? strtol(argv[1], &end, 10) : -1;
    if (argc != 3 || !*argv[1] || *end || dom < 1) {
        fprintf(stderr, "usage: tb-logdirty DOMID enable|clean|off   (DOMID of a guest, >= 1)\n");
        return 2;
    }
    const char *op = argv[2];
    if (strcmp(op, "enable") && strcmp(op, "clean") && strcmp(op, "off")) {
        fprintf(stderr, "tb-logdirty: unknown step '%s' (expected enable, clean or off)\n", op);
        return 2;
    }
    xc_interface *xch = xc_interface_open(NULL, NULL, 0);
    if (!xch) {
        fprintf(stderr, "tb-logdirty: xc_interface_open: %s (not in dom0?)\n", strerror(errno));
        return 1;
    }
    int rc;
    if (!strcmp(op, "clean")) {
        rc = clean(xch, (uint32_t) dom);
    } else {
        unsigned int sop = strcmp(op, "enable") ? XEN_DOMCTL_SHADOW_OP_OFF : XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY;
        rc = xc_logdirty_control(xch, (uint32_t) dom, sop, NULL, 0, 0, NULL) < 0 ? fail(op, (uint32_t) dom) : 0;
    }
    xc_interface_close(xch);
    return rc;
}
