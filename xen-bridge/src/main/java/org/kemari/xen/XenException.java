package org.kemari.xen;

/**
 * The one failure type of the hypervisor API. Carries what a dom0 administrator needs to act
 * on it: the operation (the C function name on the xen backend), the domain, and the errno.
 */
public class XenException extends RuntimeException {
    public static final int NO_DOMAIN = -1;

    private final String operation;
    private final int domid;
    private final int errno;

    public XenException(String operation, int domid, int errno, String reason) {
        this(operation, domid, errno, reason, null);
    }

    public XenException(String operation, int domid, int errno, String reason, Throwable cause) {
        super(format(operation, domid, errno, reason), cause);
        this.operation = operation;
        this.domid = domid;
        this.errno = errno;
    }

    private static String format(String operation, int domid, int errno, String reason) {
        StringBuilder sb = new StringBuilder(operation);
        if (domid != NO_DOMAIN) {
            sb.append("(dom ").append(domid).append(')');
        }
        sb.append(": ").append(reason);
        if (errno != 0) {
            sb.append(" (errno ").append(errno).append(' ').append(Errno.name(errno)).append(')');
        }
        return sb.toString();
    }

    public String operation() {
        return operation;
    }

    public int domid() {
        return domid;
    }

    /** Linux errno, or 0 when the failure is not an OS error (e.g. a library missing). */
    public int errno() {
        return errno;
    }
}
