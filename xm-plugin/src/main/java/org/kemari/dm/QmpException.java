package org.kemari.dm;

/** A QMP conversation that failed: QEMU said no, went silent, closed, or answered nonsense. */
public final class QmpException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public QmpException(String message) {
        super(message);
    }

    public QmpException(String message, Throwable cause) {
        super(message, cause);
    }
}
