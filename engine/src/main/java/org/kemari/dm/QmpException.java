package org.kemari.dm;

/** A QMP conversation that failed: QEMU said no, went silent, closed, or answered nonsense. */
public final class QmpException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean connectionLost;

    public QmpException(String message) {
        this(message, null, false);
    }

    QmpException(String message, Throwable cause, boolean connectionLost) {
        super(message, cause);
        this.connectionLost = connectionLost;
    }

    /** The connection is gone (QEMU closed it or the socket failed); QEMU itself may be fine. */
    public boolean connectionLost() {
        return connectionLost;
    }
}
