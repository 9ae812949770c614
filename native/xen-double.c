/*
 * xen-double: a test double of the Xen 4.17 tool libraries, built as one shared object with
 * the real libraries' function names and the real headers' prototypes (the compiler checks
 * each definition against its declaration). xen-bridge's tests load the JNA bindings against
 * it, so the whole xen backend runs through real native calls -- structures, hypercall
 * buffers, char ** results, C bool returns, errno, descriptors to poll -- on a machine that
 * is not a dom0. It models only what the backend relies on; the semantics are checked against
 * real Xen by XenDom0Test and the TCK on the testbed, not here.
 *
 * Model: dom0 (PV) and dom5 "g1" (PVH, 64 frames of memory plus a frame at MAX_GPFN).
 * Guest memory and the grant table live in memfds, so foreign mappings are true aliases.
 * xen_double_dirty() stands in for the guest writing a page; xen_double_reset() restores the
 * initial state between tests.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xenctrl.h>
#include <xenevtchn.h>
#include <xengnttab.h>
#include <xenforeignmemory.h>
#include <xenstore.h>
#include <xentoollog.h>
#include <xen/grant_table.h>
#include <xen/hvm/ioreq.h>
#include <xen/hvm/save.h>
#include <xen/io/xs_wire.h>

#define PAGE 4096L
#define GUEST 5
#define RAM_FRAMES 64UL
#define MAX_GPFN 0xfffUL          /* one special frame far above RAM, as on PVH */
#define GRANT_FRAMES 2
#define BITMAP_WORDS ((MAX_GPFN + 64) / 64)

static int fail(int e) { errno = e; return -1; }
static void *fail_null(int e) { errno = e; return NULL; }

/* ---------------------------------------------------------------- domains */

static struct {
    bool exists;
    int pauses;
    bool logdirty;
    unsigned long dirty[BITMAP_WORDS];
    uint8_t *hvm_ctx;
    uint32_t hvm_len;
    uint8_t vcpu[sizeof(vcpu_guest_context_any_t)];
    uint64_t params[64];
    int ports;                  /* ports xc_evtchn_alloc_unbound handed out (1..ports) */
} dom[GUEST + 1] = { [0] = { .exists = true }, [GUEST] = { .exists = true } };

static int memfd = -1, grantfd = -1;
/* g1's device model: ioreq server 0's synchronous page, one ioreq_t per vcpu */
static shared_iopage_t *ioreq_page;
static uint8_t hvm_blob[2 * sizeof(struct hvm_save_descriptor) + sizeof(struct hvm_save_header)];

static bool alive(uint32_t d) { return d <= GUEST && dom[d].exists; }

static int setup(void)
{
    if (memfd >= 0) return 0;
    memfd = memfd_create("guest-ram", 0);
    grantfd = memfd_create("guest-grants", 0);
    if (memfd < 0 || grantfd < 0 || ftruncate(memfd, (RAM_FRAMES + 1) * PAGE) ||
        ftruncate(grantfd, GRANT_FRAMES * PAGE))
        return -1;
    struct hvm_save_descriptor *hd = (void *) hvm_blob;
    struct hvm_save_header *h = (void *) (hd + 1);
    struct hvm_save_descriptor *end = (void *) (h + 1);
    *hd = (struct hvm_save_descriptor) { .typecode = 1, .length = sizeof *h };
    *h = (struct hvm_save_header) { .magic = HVM_FILE_MAGIC, .version = HVM_FILE_VERSION };
    *end = (struct hvm_save_descriptor) { .typecode = 0 };
    dom[GUEST].hvm_ctx = hvm_blob;
    dom[GUEST].hvm_len = sizeof hvm_blob;
    memset(dom[GUEST].vcpu, 0x5a, sizeof dom[GUEST].vcpu);
    ioreq_page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    return ioreq_page == MAP_FAILED ? -1 : 0;
}

/* the frame's offset in the memfd, or -1 for a hole */
static off_t frame(xen_pfn_t pfn)
{
    if (pfn < RAM_FRAMES) return pfn * PAGE;
    if (pfn == MAX_GPFN) return RAM_FRAMES * PAGE;
    return -1;
}

/* back to the state after setup: tests share one loaded double */
int xen_double_reset(void)
{
    if (setup()) return -1;
    dom[GUEST].exists = true;
    dom[GUEST].pauses = dom[0].pauses = 0;
    dom[GUEST].logdirty = false;
    memset(dom[GUEST].dirty, 0, sizeof dom[GUEST].dirty);
    memset(dom[GUEST].params, 0, sizeof dom[GUEST].params);
    dom[GUEST].ports = 0;
    dom[GUEST].hvm_ctx = hvm_blob;
    dom[GUEST].hvm_len = sizeof hvm_blob;
    memset(dom[GUEST].vcpu, 0x5a, sizeof dom[GUEST].vcpu);
    memset(ioreq_page, 0, PAGE);
    /* zero guest RAM and grant frames */
    if (ftruncate(memfd, 0) || ftruncate(memfd, (RAM_FRAMES + 1) * PAGE) ||
        ftruncate(grantfd, 0) || ftruncate(grantfd, GRANT_FRAMES * PAGE))
        return -1;
    return 0;
}

/* stands in for the device model's side of a vcpu's request: STATE_IOREQ_* */
void xen_double_ioreq_state(unsigned int vcpu, unsigned int state)
{
    ioreq_page->vcpu_ioreq[vcpu].state = state;
}

void xen_double_dirty(uint32_t d, unsigned long pfn)
{
    if (alive(d) && dom[d].logdirty && pfn <= MAX_GPFN)
        dom[d].dirty[pfn / 64] |= 1UL << (pfn % 64);
}

/* ---------------------------------------------------------------- libxenctrl */

struct xc_interface_core { int unused; };

xc_interface *xc_interface_open(xentoollog_logger *logger, xentoollog_logger *dombuild_logger,
                                unsigned open_flags)
{
    (void) logger; (void) dombuild_logger; (void) open_flags;
    return setup() ? NULL : calloc(1, sizeof(xc_interface));
}

int xc_interface_close(xc_interface *xch) { free(xch); return 0; }

int xc_domain_getinfolist(xc_interface *xch, uint32_t first, unsigned int max, xc_domaininfo_t *info)
{
    (void) xch;
    unsigned n = 0;
    for (uint32_t d = first; d <= GUEST && n < max; d++) {
        if (!dom[d].exists) continue;
        xc_domaininfo_t *i = &info[n++];
        memset(i, 0, sizeof *i);
        i->domain = d;
        i->flags = (dom[d].pauses ? XEN_DOMINF_paused : XEN_DOMINF_blocked)
                 | (d == GUEST ? XEN_DOMINF_hvm_guest : 0);
        i->tot_pages = d == GUEST ? RAM_FRAMES + 1 : 1000;
        i->max_pages = d == GUEST ? RAM_FRAMES + 2 : 1000;
        i->max_vcpu_id = d == GUEST ? 1 : 0;
        i->arch_config.emulation_flags = d == GUEST ? XEN_X86_EMU_LAPIC : 0;
    }
    return n;
}

int xc_domain_maximum_gpfn(xc_interface *xch, uint32_t d, xen_pfn_t *gpfns)
{
    (void) xch;
    if (!alive(d)) return fail(ESRCH);
    *gpfns = d == GUEST ? MAX_GPFN : 999;
    return 0;
}

int xc_domain_pause(xc_interface *xch, uint32_t d)
{
    (void) xch;
    if (!alive(d)) return fail(ESRCH);
    dom[d].pauses++;
    return 0;
}

int xc_domain_unpause(xc_interface *xch, uint32_t d)
{
    (void) xch;
    if (!alive(d)) return fail(ESRCH);
    if (dom[d].pauses == 0) return fail(EINVAL);
    dom[d].pauses--;
    return 0;
}

int xc_domain_destroy(xc_interface *xch, uint32_t d)
{
    (void) xch;
    if (!alive(d) || d == 0) return fail(d == 0 ? EINVAL : ESRCH);
    dom[d].exists = false;
    return 0;
}

void *xc__hypercall_buffer_alloc_pages(xc_interface *xch, xc_hypercall_buffer_t *b, int nr_pages)
{
    (void) xch;
    void *p = mmap(NULL, nr_pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return NULL;
    b->hbuf = p;
    return p;
}

void xc__hypercall_buffer_free_pages(xc_interface *xch, xc_hypercall_buffer_t *b, int nr_pages)
{
    (void) xch;
    if (b->hbuf) munmap(b->hbuf, nr_pages * PAGE);
}

long long xc_logdirty_control(xc_interface *xch, uint32_t d, unsigned int sop,
                              xc_hypercall_buffer_t *bitmap, unsigned long pages,
                              unsigned int mode, xc_shadow_op_stats_t *stats)
{
    (void) xch; (void) mode; (void) stats;
    if (!alive(d)) return fail(ESRCH);
    switch (sop) {
    case XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY:
        if (d != GUEST) return fail(EOPNOTSUPP);  /* PV, no shadow paging */
        if (dom[d].logdirty) return fail(EINVAL);
        dom[d].logdirty = true;
        return 0;
    case XEN_DOMCTL_SHADOW_OP_OFF:
        dom[d].logdirty = false;
        memset(dom[d].dirty, 0, sizeof dom[d].dirty);
        return 0;
    case XEN_DOMCTL_SHADOW_OP_CLEAN:
    case XEN_DOMCTL_SHADOW_OP_PEEK: {
        if (bitmap == NULL || bitmap->hbuf == NULL) return fail(EFAULT);
        unsigned long *out = bitmap->hbuf;
        for (unsigned long p = 0; p < pages; p++) {
            bool set = p <= MAX_GPFN && (dom[d].dirty[p / 64] >> (p % 64) & 1);
            if (set) out[p / 64] |= 1UL << (p % 64);
        }
        if (sop == XEN_DOMCTL_SHADOW_OP_CLEAN) memset(dom[d].dirty, 0, sizeof dom[d].dirty);
        return pages;
    }
    default:
        return fail(EINVAL);
    }
}

int xc_domain_hvm_getcontext(xc_interface *xch, uint32_t d, uint8_t *buf, uint32_t size)
{
    (void) xch;
    if (!alive(d)) return fail(ESRCH);
    if (!dom[d].hvm_ctx) return fail(EINVAL);
    if (buf == NULL) return dom[d].hvm_len;
    if (size < dom[d].hvm_len) return fail(ENOSPC);
    memcpy(buf, dom[d].hvm_ctx, dom[d].hvm_len);
    return dom[d].hvm_len;
}

int xc_domain_hvm_setcontext(xc_interface *xch, uint32_t d, uint8_t *ctx, uint32_t size)
{
    (void) xch;
    if (!alive(d)) return fail(ESRCH);
    const struct hvm_save_header *h = (const void *) (ctx + sizeof(struct hvm_save_descriptor));
    if (!dom[d].hvm_ctx || size < sizeof(struct hvm_save_descriptor) + sizeof *h || h->magic != HVM_FILE_MAGIC)
        return fail(EINVAL);
    uint8_t *copy = malloc(size);
    if (!copy) return fail(ENOMEM);
    memcpy(copy, ctx, size);
    dom[d].hvm_ctx = copy;             /* the old one is leaked: a test double */
    dom[d].hvm_len = size;
    return 0;
}

int xc_vcpu_getcontext(xc_interface *xch, uint32_t d, uint32_t vcpu, vcpu_guest_context_any_t *ctxt)
{
    (void) xch;
    if (!alive(d)) return fail(ESRCH);
    if (vcpu > 1) return fail(EINVAL);
    memcpy(ctxt, dom[d].vcpu, sizeof *ctxt);
    return 0;
}

int xc_vcpu_setcontext(xc_interface *xch, uint32_t d, uint32_t vcpu, vcpu_guest_context_any_t *ctxt)
{
    (void) xch;
    if (!alive(d)) return fail(ESRCH);
    if (vcpu > 1) return fail(EINVAL);
    memcpy(dom[d].vcpu, ctxt, sizeof *ctxt);
    return 0;
}

int xc_hvm_param_get(xc_interface *xch, uint32_t d, uint32_t param, uint64_t *value)
{
    (void) xch;
    if (!alive(d)) return fail(ESRCH);
    if (param >= 64) return fail(EINVAL);
    *value = dom[d].params[param];
    return 0;
}

int xc_hvm_param_set(xc_interface *xch, uint32_t d, uint32_t param, uint64_t value)
{
    (void) xch;
    if (!alive(d)) return fail(ESRCH);
    if (param >= 64) return fail(EINVAL);
    dom[d].params[param] = value;
    return 0;
}

/* Xen hands out the lowest free port; nothing is freed here, so that is the next one */
xc_evtchn_port_or_error_t xc_evtchn_alloc_unbound(xc_interface *xch, uint32_t d, uint32_t remote)
{
    (void) xch;
    if (!alive(d) || !alive(remote)) return fail(ESRCH);
    return ++dom[d].ports;
}

/* ---------------------------------------------------------------- libxenforeignmemory */

struct xenforeignmemory_handle { int unused; };
struct xenforeignmemory_resource_handle { void *addr; size_t len; };

xenforeignmemory_handle *xenforeignmemory_open(struct xentoollog_logger *logger, unsigned flags)
{
    (void) logger; (void) flags;
    return setup() ? NULL : calloc(1, sizeof(xenforeignmemory_handle));
}

int xenforeignmemory_close(xenforeignmemory_handle *fmem) { free(fmem); return 0; }

void *xenforeignmemory_map(xenforeignmemory_handle *fmem, uint32_t d, int prot, size_t pages,
                           const xen_pfn_t arr[], int err[])
{
    (void) fmem;
    if (d != GUEST || !alive(d)) return fail_null(ESRCH);
    char *base = mmap(NULL, pages * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) return NULL;
    for (size_t i = 0; i < pages; i++) {
        off_t off = frame(arr[i]);
        /* Linux's privcmd stores the per-frame error negated */
        err[i] = off < 0 ? -ENOENT : 0;
        if (off >= 0 && mmap(base + i * PAGE, PAGE, prot, MAP_SHARED | MAP_FIXED, memfd, off) == MAP_FAILED)
            err[i] = -errno;
    }
    return base;
}

int xenforeignmemory_unmap(xenforeignmemory_handle *fmem, void *addr, size_t pages)
{
    (void) fmem;
    return munmap(addr, pages * PAGE);
}

int xenforeignmemory_resource_size(xenforeignmemory_handle *fmem, domid_t d, unsigned int type,
                                   unsigned int id, size_t *size)
{
    (void) fmem;
    if (!alive(d)) return fail(ESRCH);
    if (type != XENMEM_resource_grant_table || id != XENMEM_resource_grant_table_id_shared)
        return fail(EOPNOTSUPP);
    *size = GRANT_FRAMES * PAGE;
    return 0;
}

xenforeignmemory_resource_handle *xenforeignmemory_map_resource(
    xenforeignmemory_handle *fmem, domid_t d, unsigned int type, unsigned int id,
    unsigned long first, unsigned long nr, void **paddr, int prot, int flags)
{
    (void) fmem; (void) flags;
    if (!alive(d)) return fail_null(ESRCH);
    if (type == XENMEM_resource_ioreq_server) {
        if (d != GUEST || id != 0) return fail_null(ENOENT);
        if (first != XENMEM_resource_ioreq_server_frame_ioreq(0) || nr != 1) return fail_null(EINVAL);
        xenforeignmemory_resource_handle *r = malloc(sizeof *r);
        if (!r) return NULL;
        r->len = 0;  /* the page is the double's own: nothing to unmap */
        r->addr = *paddr = ioreq_page;
        return r;
    }
    if (type != XENMEM_resource_grant_table || id != XENMEM_resource_grant_table_id_shared)
        return fail_null(EOPNOTSUPP);
    if (first + nr > GRANT_FRAMES) return fail_null(EINVAL);
    xenforeignmemory_resource_handle *r = malloc(sizeof *r);
    if (!r) return NULL;
    r->len = nr * PAGE;
    r->addr = mmap(*paddr, r->len, prot, MAP_SHARED, grantfd, first * PAGE);
    if (r->addr == MAP_FAILED) { free(r); return NULL; }
    *paddr = r->addr;
    return r;
}

int xenforeignmemory_unmap_resource(xenforeignmemory_handle *fmem, xenforeignmemory_resource_handle *r)
{
    (void) fmem;
    int rc = r->len ? munmap(r->addr, r->len) : 0;
    free(r);
    return rc;
}

/* ---------------------------------------------------------------- libxengnttab */

struct xengntdev_handle { int unused; };

xengnttab_handle *xengnttab_open(struct xentoollog_logger *logger, unsigned flags)
{
    (void) logger; (void) flags;
    return setup() ? NULL : calloc(1, sizeof(struct xengntdev_handle));
}

int xengnttab_close(xengnttab_handle *xgt) { free(xgt); return 0; }

/* the granting domain's v1 entry decides: it must permit access to us (dom0) */
void *xengnttab_map_grant_ref(xengnttab_handle *xgt, uint32_t d, uint32_t ref, int prot)
{
    (void) xgt;
    grant_entry_v1_t e;
    if (!alive(d)) return fail_null(ESRCH);
    if (ref >= GRANT_FRAMES * PAGE / sizeof e || pread(grantfd, &e, sizeof e, ref * sizeof e) != sizeof e)
        return fail_null(EINVAL);
    if ((e.flags & GTF_type_mask) != GTF_permit_access || e.domid != 0 || frame(e.frame) < 0 ||
        ((prot & PROT_WRITE) && (e.flags & GTF_readonly)))
        return fail_null(EINVAL);
    void *p = mmap(NULL, PAGE, prot, MAP_SHARED, memfd, frame(e.frame));
    return p == MAP_FAILED ? NULL : p;
}

int xengnttab_unmap(xengnttab_handle *xgt, void *start, uint32_t count)
{
    (void) xgt;
    return munmap(start, count * PAGE);
}

/* ---------------------------------------------------------------- libxenevtchn */

/* one handle's ports: a pipe carries fired ports; a fired port is masked until unmask */
#define PORTS 64
struct xenevtchn_handle {
    int pipe[2];
    int next;
    int peer[PORTS];          /* local port -> local port it notifies (loopback in dom0) */
    bool masked[PORTS], again[PORTS];
};

xenevtchn_handle *xenevtchn_open(struct xentoollog_logger *logger, unsigned flags)
{
    (void) logger; (void) flags;
    xenevtchn_handle *x = calloc(1, sizeof *x);
    if (!x || pipe(x->pipe)) { free(x); return NULL; }
    x->next = 1;
    return x;
}

int xenevtchn_close(xenevtchn_handle *x) { close(x->pipe[0]); close(x->pipe[1]); free(x); return 0; }

int xenevtchn_fd(xenevtchn_handle *x) { return x->pipe[0]; }

static int fire(xenevtchn_handle *x, int port)
{
    if (x->masked[port]) { x->again[port] = true; return 0; }
    x->masked[port] = true;
    return write(x->pipe[1], &port, sizeof port) == sizeof port ? 0 : -1;
}

xenevtchn_port_or_error_t xenevtchn_bind_unbound_port(xenevtchn_handle *x, uint32_t d)
{
    if (!alive(d)) return fail(ESRCH);
    if (x->next >= PORTS) return fail(ENOSPC);
    x->peer[x->next] = 0;
    return x->next++;
}

xenevtchn_port_or_error_t xenevtchn_bind_interdomain(xenevtchn_handle *x, uint32_t d, evtchn_port_t remote)
{
    if (!alive(d)) return fail(ESRCH);
    if (d != 0 || remote == 0 || remote >= (evtchn_port_t) x->next || x->peer[remote]) return fail(EINVAL);
    int local = x->next++;
    x->peer[local] = remote;
    x->peer[remote] = local;
    return local;
}

int xenevtchn_notify(xenevtchn_handle *x, evtchn_port_t port)
{
    if (port == 0 || port >= (evtchn_port_t) x->next || !x->peer[port]) return fail(EINVAL);
    return fire(x, x->peer[port]);
}

xenevtchn_port_or_error_t xenevtchn_pending(xenevtchn_handle *x)
{
    int port;
    return read(x->pipe[0], &port, sizeof port) == sizeof port ? port : -1;
}

int xenevtchn_unmask(xenevtchn_handle *x, evtchn_port_t port)
{
    if (port >= PORTS) return fail(EINVAL);
    x->masked[port] = false;
    if (x->again[port]) { x->again[port] = false; return fire(x, port); }
    return 0;
}

int xenevtchn_unbind(xenevtchn_handle *x, evtchn_port_t port)
{
    if (port == 0 || port >= (evtchn_port_t) x->next) return fail(EINVAL);
    x->peer[port] = 0;
    return 0;
}

/* ---------------------------------------------------------------- libxenstore */

#define NODES 64
struct xs_handle {
    char *path[NODES], *value[NODES];
    char *watch[NODES], *token[NODES];
    int pipe[2];
    char *queue[NODES][2];
    int queued;
};

struct xs_handle *xs_open(unsigned long flags)
{
    (void) flags;
    struct xs_handle *h = calloc(1, sizeof *h);
    if (!h || pipe(h->pipe)) { free(h); return NULL; }
    h->path[0] = strdup("/local/domain/0/name");
    h->value[0] = strdup("Domain-0");
    h->path[1] = strdup("/local/domain/5/name");
    h->value[1] = strdup("g1");
    return h;
}

void xs_close(struct xs_handle *h)
{
    if (!h) return;
    close(h->pipe[0]);
    close(h->pipe[1]);
    free(h);                            /* strings leaked: a test double */
}

static int find(struct xs_handle *h, const char *path)
{
    for (int i = 0; i < NODES; i++)
        if (h->path[i] && !strcmp(h->path[i], path)) return i;
    return -1;
}

static bool below(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == 0);
}

static void event(struct xs_handle *h, const char *path, const char *token)
{
    if (h->queued == NODES) return;
    h->queue[h->queued][XS_WATCH_PATH] = strdup(path);
    h->queue[h->queued][XS_WATCH_TOKEN] = strdup(token);
    if (h->queued++ == 0 && write(h->pipe[1], "w", 1) != 1) h->queued--;
}

static void changed(struct xs_handle *h, const char *path)
{
    for (int w = 0; w < NODES; w++)
        if (h->watch[w] && below(path, h->watch[w])) event(h, path, h->token[w]);
}

void *xs_read(struct xs_handle *h, xs_transaction_t t, const char *path, unsigned int *len)
{
    (void) t;
    int i = find(h, path);
    if (i < 0) return fail_null(ENOENT);
    *len = strlen(h->value[i]);
    return strdup(h->value[i]);
}

bool xs_write(struct xs_handle *h, xs_transaction_t t, const char *path, const void *data, unsigned int len)
{
    (void) t;
    int i = find(h, path);
    if (i < 0) {
        for (i = 0; i < NODES && h->path[i]; i++) {
        }
        if (i == NODES) { errno = ENOSPC; return false; }
        h->path[i] = strdup(path);
    }
    h->value[i] = strndup(data, len);
    changed(h, path);
    return true;
}

/* children of path among the nodes written below it, in one malloc'd block as libxenstore does */
char **xs_directory(struct xs_handle *h, xs_transaction_t t, const char *path, unsigned int *num)
{
    (void) t;
    const char *names[NODES];
    size_t n = 0, bytes = 0, plen = strlen(path);
    for (int i = 0; i < NODES; i++) {
        if (!h->path[i] || !below(h->path[i], path) || !h->path[i][plen]) continue;
        const char *name = h->path[i] + plen + 1;
        size_t len = strcspn(name, "/");
        bool dup = false;
        for (size_t k = 0; k < n; k++)
            dup |= strlen(names[k]) >= len && !strncmp(names[k], name, len) && (names[k][len] == '/' || !names[k][len]);
        if (!dup) { names[n++] = name; bytes += len + 1; }
    }
    if (n == 0) return fail_null(ENOENT);
    char **out = malloc(n * sizeof *out + bytes);
    if (!out) return NULL;
    char *s = (char *) (out + n);
    for (size_t k = 0; k < n; k++) {
        size_t len = strcspn(names[k], "/");
        memcpy(s, names[k], len);
        s[len] = 0;
        out[k] = s;
        s += len + 1;
    }
    *num = n;
    return out;
}

bool xs_rm(struct xs_handle *h, xs_transaction_t t, const char *path)
{
    (void) t;
    bool any = false;
    for (int i = 0; i < NODES; i++)
        if (h->path[i] && below(h->path[i], path)) { h->path[i] = NULL; any = true; }
    if (!any) { errno = ENOENT; return false; }
    changed(h, path);
    return true;
}

bool xs_watch(struct xs_handle *h, const char *path, const char *token)
{
    for (int w = 0; w < NODES; w++)
        if (!h->watch[w]) {
            h->watch[w] = strdup(path);
            h->token[w] = strdup(token);
            event(h, path, token);      /* xenstored fires a new watch at once */
            return true;
        }
    errno = ENOSPC;
    return false;
}

bool xs_unwatch(struct xs_handle *h, const char *path, const char *token)
{
    for (int w = 0; w < NODES; w++)
        if (h->watch[w] && !strcmp(h->watch[w], path) && !strcmp(h->token[w], token)) {
            h->watch[w] = NULL;
            return true;
        }
    errno = ENOENT;
    return false;
}

int xs_fileno(struct xs_handle *h) { return h->pipe[0]; }

char **xs_check_watch(struct xs_handle *h)
{
    if (h->queued == 0) return fail_null(EAGAIN);
    char **e = h->queue[0];
    size_t lp = strlen(e[0]) + 1, lt = strlen(e[1]) + 1;
    char **out = malloc(2 * sizeof *out + lp + lt);
    if (!out) return NULL;
    out[XS_WATCH_PATH] = memcpy((char *) (out + 2), e[0], lp);
    out[XS_WATCH_TOKEN] = memcpy((char *) (out + 2) + lp, e[1], lt);
    memmove(h->queue[0], h->queue[1], (NODES - 1) * sizeof h->queue[0]);
    char c;
    if (--h->queued == 0 && read(h->pipe[0], &c, 1) != 1) return NULL;
    return out;
}

/* ---------------------------------------------------------------- libxentoollog */

struct xentoollog_logger_stdiostream { xentoollog_logger base; };

xentoollog_logger_stdiostream *xtl_createlogger_stdiostream(FILE *f, xentoollog_level min, unsigned flags)
{
    (void) f; (void) min; (void) flags;
    return calloc(1, sizeof(xentoollog_logger_stdiostream));
}

void xtl_logger_destroy(struct xentoollog_logger *logger) { free(logger); }
