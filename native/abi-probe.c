/*
 * kemari ABI probe: compiled against the installed Xen tool headers, it prints every fact the
 * JNA bindings in xen-bridge (org.kemari.xen.jna.bind) hard-code, so a test can compare them:
 *
 *   struct <name> size <bytes> align <bytes>
 *   field <struct>.<field> <offset> size <bytes>
 *   const <NAME> <value>
 *   func <name> <ret-kind>(<param-kinds>)
 *
 * Function lines are only printed after the compiler has proved (static assertion) that the
 * header declares the function with exactly the C signature written here; the kinds are then
 * derived from those C types, so a hand-written kind cannot drift from the header either.
 * Build: gcc -std=gnu11 -Wall -Werror native/abi-probe.c -o abi-probe (no Xen libraries needed).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/mman.h>
#include <errno.h>
#include <xenctrl.h>
#include <xenevtchn.h>
#include <xengnttab.h>
#include <xenforeignmemory.h>
#include <xenstore.h>
#include <xentoollog.h>
#include <xen/memory.h>
#include <xen/hvm/ioreq.h>
#include <xen/io/xs_wire.h>
#include "probe.h"

/* libxenctrl 4.17 exports this (VERS_4.17.0) but declares it only in its private xc_private.h;
 * the prototype below is that header's, so the check is of the binding against it */
int xc_get_pfn_type_batch(xc_interface *xch, uint32_t dom, unsigned int num, xen_pfn_t *arr);


/*
 * The kind JNA must pass a C type as. Everything that is not a listed integer type is a pointer
 * here; CHECK_KIND proves that (gcc's type classes: 1 integer, 2 char, 3 enum, 4 bool, 5 pointer),
 * so a float or a by-value struct could not slip through as "ptr".
 */
#define KIND(T) _Generic((T)0, \
    bool: "i8", char: "i8", signed char: "i8", unsigned char: "i8", \
    short: "i16", unsigned short: "i16", \
    int: "i32", unsigned int: "i32", \
    long: "i64", unsigned long: "i64", long long: "i64", unsigned long long: "i64", \
    default: "ptr")
#define CHECK_KIND(T) _Static_assert(__builtin_classify_type((T)0) >= 1 \
                                     && __builtin_classify_type((T)0) <= 5, #T " is not an integer or pointer")

/* FOR_EACH over up to 9 parameter types, printing their kinds comma-separated. */
#define K1(a) { CHECK_KIND(a); fputs(KIND(a), stdout); }
#define K2(a, ...) K1(a) putchar(','); K1(__VA_ARGS__)
#define K3(a, ...) K1(a) putchar(','); K2(__VA_ARGS__)
#define K4(a, ...) K1(a) putchar(','); K3(__VA_ARGS__)
#define K5(a, ...) K1(a) putchar(','); K4(__VA_ARGS__)
#define K6(a, ...) K1(a) putchar(','); K5(__VA_ARGS__)
#define K7(a, ...) K1(a) putchar(','); K6(__VA_ARGS__)
#define K8(a, ...) K1(a) putchar(','); K7(__VA_ARGS__)
#define K9(a, ...) K1(a) putchar(','); K8(__VA_ARGS__)
#define PICK(_1, _2, _3, _4, _5, _6, _7, _8, _9, N, ...) N
#define KINDS(...) PICK(__VA_ARGS__, K9, K8, K7, K6, K5, K4, K3, K2, K1, -)(__VA_ARGS__)

#define FUNC(fn, ret, ...) do { \
        _Static_assert(__builtin_types_compatible_p(__typeof__(fn), ret (__VA_ARGS__)), \
                       #fn " is not declared as " #ret " " #fn "(" #__VA_ARGS__ ")"); \
        CHECK_KIND(ret); printf("func %s %s(", #fn, KIND(ret)); KINDS(__VA_ARGS__) puts(")"); \
    } while (0)
#define FUNC_VOID(fn, ...) do { \
        _Static_assert(__builtin_types_compatible_p(__typeof__(fn), void (__VA_ARGS__)), \
                       #fn " is not declared as void " #fn "(" #__VA_ARGS__ ")"); \
        printf("func %s void(", #fn); KINDS(__VA_ARGS__) puts(")"); \
    } while (0)

static void structs(void)
{
    STRUCT(xc_domaininfo_t, "xc_domaininfo_t");
    FIELD(xc_domaininfo_t, "xc_domaininfo_t", domain);
    FIELD(xc_domaininfo_t, "xc_domaininfo_t", pad1);
    FIELD(xc_domaininfo_t, "xc_domaininfo_t", flags);
    FIELD(xc_domaininfo_t, "xc_domaininfo_t", tot_pages);
    FIELD(xc_domaininfo_t, "xc_domaininfo_t", max_pages);
    FIELD(xc_domaininfo_t, "xc_domaininfo_t", outstanding_pages);
    FIELD(xc_domaininfo_t, "xc_domaininfo_t", shr_pages);
    FIELD(xc_domaininfo_t, "xc_domaininfo_t", paged_pages);
    FIELD(xc_domaininfo_t, "xc_domaininfo_t", shared_info_frame);
    FIELD(xc_domaininfo_t, "xc_domaininfo_t", cpu_time);
    FIELD(xc_domaininfo_t, "xc_domaininfo_t", nr_online_vcpus);
    FIELD(xc_domaininfo_t, "xc_domaininfo_t", max_vcpu_id);
    FIELD(xc_domaininfo_t, "xc_domaininfo_t", ssidref);
    FIELD(xc_domaininfo_t, "xc_domaininfo_t", handle);
    FIELD(xc_domaininfo_t, "xc_domaininfo_t", cpupool);
    FIELD(xc_domaininfo_t, "xc_domaininfo_t", gpaddr_bits);
    FIELD(xc_domaininfo_t, "xc_domaininfo_t", pad2);
    FIELD(xc_domaininfo_t, "xc_domaininfo_t", arch_config);

    STRUCT(struct xen_arch_domainconfig, "xen_arch_domainconfig");
    FIELD(struct xen_arch_domainconfig, "xen_arch_domainconfig", emulation_flags);
    FIELD(struct xen_arch_domainconfig, "xen_arch_domainconfig", misc_flags);

    STRUCT(xc_shadow_op_stats_t, "xc_shadow_op_stats_t");
    FIELD(xc_shadow_op_stats_t, "xc_shadow_op_stats_t", fault_count);
    FIELD(xc_shadow_op_stats_t, "xc_shadow_op_stats_t", dirty_count);

    STRUCT(xc_hypercall_buffer_t, "xc_hypercall_buffer_t");
    FIELD(xc_hypercall_buffer_t, "xc_hypercall_buffer_t", hbuf);
    FIELD(xc_hypercall_buffer_t, "xc_hypercall_buffer_t", param_shadow);
    FIELD(xc_hypercall_buffer_t, "xc_hypercall_buffer_t", dir);
    FIELD(xc_hypercall_buffer_t, "xc_hypercall_buffer_t", ubuf);
    FIELD(xc_hypercall_buffer_t, "xc_hypercall_buffer_t", sz);

    STRUCT(struct pollfd, "pollfd");
    FIELD(struct pollfd, "pollfd", fd);
    FIELD(struct pollfd, "pollfd", events);
    FIELD(struct pollfd, "pollfd", revents);
}

/* ioreq_t.state is a bitfield: where gcc put it is found by setting it alone. */
static void ioreq_state_bits(void)
{
    union { ioreq_t r; unsigned char b[sizeof(ioreq_t)]; } u;
    memset(&u, 0, sizeof(u));
    u.r.state = 0xf;
    for (size_t i = 0; i < sizeof(u.b); i++) {
        if (u.b[i]) {
            CONST_AS("IOREQ_STATE_BYTE", i);
            CONST_AS("IOREQ_STATE_MASK", u.b[i]);
        }
    }
}

static void constants(void)
{
    CONST(XEN_DOMCTL_SHADOW_OP_OFF);
    CONST(XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY);
    CONST(XEN_DOMCTL_SHADOW_OP_CLEAN);
    CONST(XEN_DOMCTL_PFINFO_LTAB_MASK);
    CONST(XEN_DOMCTL_PFINFO_XTAB);
    CONST(XEN_DOMCTL_PFINFO_BROKEN);
    CONST(XENMAPSPACE_shared_info);
    CONST(XEN_DOMCTL_SHADOW_OP_PEEK);
    CONST(XEN_DOMINF_dying);
    CONST(XEN_DOMINF_hvm_guest);
    CONST(XEN_DOMINF_shutdown);
    CONST(XEN_DOMINF_paused);
    CONST(XEN_DOMINF_blocked);
    CONST(XEN_DOMINF_running);
    CONST(XEN_DOMINF_shutdownmask);
    CONST(XEN_DOMINF_shutdownshift);
    CONST(SHUTDOWN_crash);
    CONST(XEN_X86_EMU_PIC);
    CONST_AS("SIZEOF_VCPU_GUEST_CONTEXT_ANY", sizeof(vcpu_guest_context_any_t));
    CONST_AS("OFFSETOF_VCPU_GUEST_CONTEXT_VM_ASSIST", offsetof(vcpu_guest_context_x86_64_t, vm_assist));
    CONST_AS("SIZEOF_XEN_PFN", sizeof(xen_pfn_t));
    CONST_AS("SIZEOF_BITMAP_WORD", sizeof(unsigned long));
    CONST_AS("XC_PAGE_SIZE", XC_PAGE_SIZE);
    CONST(XENMEM_resource_grant_table);
    CONST(XENMEM_resource_grant_table_id_shared);
    CONST(XENMEM_resource_ioreq_server);
    CONST_AS("XENMEM_resource_ioreq_server_frame_ioreq_0", XENMEM_resource_ioreq_server_frame_ioreq(0));
    CONST(STATE_IOREQ_NONE);
    CONST_AS("IOREQ_SIZE", sizeof(ioreq_t));
    ioreq_state_bits();
    CONST_AS("HVM_SAVE_CODE_CPU", HVM_SAVE_CODE(CPU));
    CONST_AS("HVM_SAVE_CODE_PMTIMER", HVM_SAVE_CODE(PMTIMER));
    CONST_AS("HVM_SAVE_CODE_MTRR", HVM_SAVE_CODE(MTRR));
    CONST_AS("HVM_SAVE_CODE_CPU_XSAVE", CPU_XSAVE_CODE);
    CONST_AS("OFFSETOF_HVM_HW_CPU_TSC", offsetof(struct hvm_hw_cpu, tsc));
    CONST_AS("OFFSETOF_HVM_SAVE_HEADER_GTSC_KHZ", offsetof(struct hvm_save_header, gtsc_khz));
    CONST(XBT_NULL);
    CONST(XS_WATCH_PATH);
    CONST(XS_WATCH_TOKEN);
    CONST(XTL_CRITICAL);
    CONST(POLLIN);
    CONST(POLLNVAL);
    CONST(PROT_READ);
    CONST(PROT_WRITE);
    CONST(EINTR);
    CONST(EAGAIN);
}

static void functions(void)
{
    /* libxenctrl */
    FUNC(xc_interface_open, xc_interface *, xentoollog_logger *, xentoollog_logger *, unsigned);
    FUNC(xc_interface_close, int, xc_interface *);
    FUNC(xc_domain_getinfolist, int, xc_interface *, uint32_t, unsigned int, xc_domaininfo_t *);
    FUNC(xc_domain_pause, int, xc_interface *, uint32_t);
    FUNC(xc_domain_unpause, int, xc_interface *, uint32_t);
    FUNC(xc_domain_destroy, int, xc_interface *, uint32_t);
    FUNC(xc_domain_maximum_gpfn, int, xc_interface *, uint32_t, xen_pfn_t *);
    FUNC(xc_logdirty_control, long long, xc_interface *, uint32_t, unsigned int,
         xc_hypercall_buffer_t *, unsigned long, unsigned int, xc_shadow_op_stats_t *);
    FUNC(xc__hypercall_buffer_alloc_pages, void *, xc_interface *, xc_hypercall_buffer_t *, int);
    FUNC_VOID(xc__hypercall_buffer_free_pages, xc_interface *, xc_hypercall_buffer_t *, int);
    FUNC(xc_domain_hvm_getcontext, int, xc_interface *, uint32_t, uint8_t *, uint32_t);
    FUNC(xc_domain_hvm_setcontext, int, xc_interface *, uint32_t, uint8_t *, uint32_t);
    FUNC(xc_vcpu_getcontext, int, xc_interface *, uint32_t, uint32_t, vcpu_guest_context_any_t *);
    FUNC(xc_vcpu_setcontext, int, xc_interface *, uint32_t, uint32_t, vcpu_guest_context_any_t *);
    FUNC(xc_hvm_param_get, int, xc_interface *, uint32_t, uint32_t, uint64_t *);
    FUNC(xc_hvm_param_set, int, xc_interface *, uint32_t, uint32_t, uint64_t);
    FUNC(xc_evtchn_alloc_unbound, xc_evtchn_port_or_error_t, xc_interface *, uint32_t, uint32_t);
    FUNC(xc_domain_populate_physmap_exact, int, xc_interface *, uint32_t, unsigned long, unsigned int,
         unsigned int, xen_pfn_t *);
    FUNC(xc_get_pfn_type_batch, int, xc_interface *, uint32_t, unsigned int, xen_pfn_t *);
    FUNC(xc_domain_add_to_physmap, int, xc_interface *, uint32_t, unsigned int, unsigned long, xen_pfn_t);

    /* libxenevtchn */
    FUNC(xenevtchn_open, xenevtchn_handle *, struct xentoollog_logger *, unsigned);
    FUNC(xenevtchn_close, int, xenevtchn_handle *);
    FUNC(xenevtchn_fd, int, xenevtchn_handle *);
    FUNC(xenevtchn_notify, int, xenevtchn_handle *, evtchn_port_t);
    FUNC(xenevtchn_bind_unbound_port, xenevtchn_port_or_error_t, xenevtchn_handle *, uint32_t);
    FUNC(xenevtchn_bind_interdomain, xenevtchn_port_or_error_t, xenevtchn_handle *, uint32_t,
         evtchn_port_t);
    FUNC(xenevtchn_unbind, int, xenevtchn_handle *, evtchn_port_t);
    FUNC(xenevtchn_pending, xenevtchn_port_or_error_t, xenevtchn_handle *);
    FUNC(xenevtchn_unmask, int, xenevtchn_handle *, evtchn_port_t);

    /* libxengnttab */
    FUNC(xengnttab_open, xengnttab_handle *, struct xentoollog_logger *, unsigned);
    FUNC(xengnttab_close, int, xengnttab_handle *);
    FUNC(xengnttab_map_grant_ref, void *, xengnttab_handle *, uint32_t, uint32_t, int);
    FUNC(xengnttab_unmap, int, xengnttab_handle *, void *, uint32_t);

    /* libxenforeignmemory */
    FUNC(xenforeignmemory_open, xenforeignmemory_handle *, struct xentoollog_logger *, unsigned);
    FUNC(xenforeignmemory_close, int, xenforeignmemory_handle *);
    FUNC(xenforeignmemory_map, void *, xenforeignmemory_handle *, uint32_t, int, size_t,
         const xen_pfn_t *, int *);
    FUNC(xenforeignmemory_unmap, int, xenforeignmemory_handle *, void *, size_t);
    FUNC(xenforeignmemory_map_resource, xenforeignmemory_resource_handle *,
         xenforeignmemory_handle *, domid_t, unsigned int, unsigned int, unsigned long,
         unsigned long, void **, int, int);
    FUNC(xenforeignmemory_unmap_resource, int, xenforeignmemory_handle *,
         xenforeignmemory_resource_handle *);
    FUNC(xenforeignmemory_resource_size, int, xenforeignmemory_handle *, domid_t, unsigned int,
         unsigned int, size_t *);

    /* libxenstore */
    FUNC(xs_open, struct xs_handle *, unsigned long);
    FUNC_VOID(xs_close, struct xs_handle *);
    FUNC(xs_read, void *, struct xs_handle *, xs_transaction_t, const char *, unsigned int *);
    FUNC(xs_write, bool, struct xs_handle *, xs_transaction_t, const char *, const void *,
         unsigned int);
    FUNC(xs_directory, char **, struct xs_handle *, xs_transaction_t, const char *,
         unsigned int *);
    FUNC(xs_rm, bool, struct xs_handle *, xs_transaction_t, const char *);
    FUNC(xs_watch, bool, struct xs_handle *, const char *, const char *);
    FUNC(xs_unwatch, bool, struct xs_handle *, const char *, const char *);
    FUNC(xs_fileno, int, struct xs_handle *);
    FUNC(xs_check_watch, char **, struct xs_handle *);

    /* libxentoollog */
    FUNC(xtl_createlogger_stdiostream, xentoollog_logger_stdiostream *, FILE *, xentoollog_level,
         unsigned);
    FUNC_VOID(xtl_logger_destroy, struct xentoollog_logger *);

    /* libc */
    FUNC(poll, int, struct pollfd *, nfds_t, int);
    FUNC_VOID(free, void *);
    FUNC(strerror, char *, int);
}

int main(void)
{
    structs();
    constants();
    functions();
    return ferror(stdout) ? 1 : 0;
}
