package org.kemari.ft.transport;

import java.io.IOException;

/** The peer could not prove who it is; the connection was closed before any record was read. */
public final class AuthenticationException extends IOException {
    public AuthenticationException(String message) {
        super(message);
    }

    public AuthenticationException(String message, Throwable cause) {
        super(message, cause);
    }
}
