/*
 * tb-pausewatch watch DOMID SECONDS: how often, and for how long, a domain stops running.
 *   Polls the domain's flags (xc_domain_getinfolist) about every millisecond for SECONDS and
 *   counts each stretch in which it is paused or shut down (a suspended guest is "shut down,
 *   reason suspend"), then prints one line:
 *     stops=N per_s=R p50_ms=A p90_ms=B max_ms=C stopped_pct=P samples=S mean_gap_us=G longest_gap_ms=L
 *   A stop shorter than the gap between two samples can be missed: mean_gap_us and
 *   longest_gap_ms say how fine the sampling actually was (under emulation a hypercall is slow).
 * tb-pausewatch resume DOMID: resumes a suspended guest (libxl_domain_resume with
 *   suspend_cancel, as libxl does when a save fails), for a guest xl remus left suspended.
 *
 * The testbed's one measure of checkpointing from outside: applied unchanged to Kemari's epochs
 * (the guest is paused) and to `xl remus` (the guest is suspended), so the two figures compare.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xenctrl.h>
#include <libxl.h>
#include <xentoollog.h>

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* 1 if the domain is stopped (paused or shut down), 0 if it runs, -1 if it is gone */
static int stopped(xc_interface *xch, uint32_t dom) {
    xc_domaininfo_t info;
    if (xc_domain_getinfolist(xch, dom, 1, &info) != 1 || info.domain != dom) return -1;
    return (info.flags & (XEN_DOMINF_paused | XEN_DOMINF_shutdown)) != 0;
}

static int watch(uint32_t dom, double seconds) {
    xc_interface *xch = xc_interface_open(NULL, NULL, 0);
    if (!xch) { perror("tb-pausewatch: xc_interface_open"); return 1; }
    size_t cap = 1 << 16, n = 0;
    double *stops = malloc(cap * sizeof *stops);
    if (!stops) return 1;
    struct timespec ms = { 0, 1000000 };
    double start = now_ms(), end = start + seconds * 1e3, last = start, since = 0, total = 0, longest_gap = 0;
    long samples = 0;
    int was = 0;
    for (double t = start; t < end; t = now_ms()) {
        int s = stopped(xch, dom);
        if (s < 0) { fprintf(stderr, "tb-pausewatch: dom %u is gone\n", dom); return 1; }
        if (t - last > longest_gap) longest_gap = t - last;
        last = t;
        samples++;
        if (s && !was) since = t;
        if (!s && was) {
            if (n == cap) { cap *= 2; stops = realloc(stops, cap * sizeof *stops); if (!stops) return 1; }
            stops[n++] = t - since;
            total += t - since;
        }
        was = s;
        nanosleep(&ms, NULL);
    }
    double span = now_ms() - start;
    qsort(stops, n, sizeof *stops, cmp);
    printf("stops=%zu per_s=%.2f p50_ms=%.1f p90_ms=%.1f max_ms=%.1f stopped_pct=%.1f samples=%ld mean_gap_us=%.0f"
           " longest_gap_ms=%.1f still_stopped=%d\n",
           n, n / (span / 1e3), n ? stops[n / 2] : 0, n ? stops[(n * 9) / 10] : 0, n ? stops[n - 1] : 0,
           100 * total / span, samples, 1e3 * span / samples, longest_gap, was);
    xc_interface_close(xch);
    return 0;
}

static int resume(uint32_t dom) {
    xentoollog_logger_stdiostream *log = xtl_createlogger_stdiostream(stderr, XTL_ERROR, 0);
    libxl_ctx *ctx = NULL;
    if (libxl_ctx_alloc(&ctx, LIBXL_VERSION, 0, (xentoollog_logger *)log)) {
        fprintf(stderr, "tb-pausewatch: libxl_ctx_alloc failed\n");
        return 1;
    }
    int rc = libxl_domain_resume(ctx, dom, 1, NULL);
    if (rc) fprintf(stderr, "tb-pausewatch: libxl_domain_resume(dom %u) failed: %d\n", dom, rc);
    libxl_ctx_free(ctx);
    xtl_logger_destroy((xentoollog_logger *)log);
    return rc != 0;
}

int main(int argc, char **argv) {
    if (argc == 4 && !strcmp(argv[1], "watch")) return watch(strtoul(argv[2], NULL, 10), atof(argv[3]));
    if (argc == 3 && !strcmp(argv[1], "resume")) return resume(strtoul(argv[2], NULL, 10));
    fprintf(stderr, "usage: tb-pausewatch watch DOMID SECONDS | resume DOMID\n");
    return 2;
}
