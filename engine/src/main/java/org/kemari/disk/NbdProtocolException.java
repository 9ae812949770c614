package org.kemari.disk;

/** The client broke the protocol; the connection ends with this one line in the log. */
final class NbdProtocolException extends Exception {
    NbdProtocolException(String message) {
        super(message);
    }
}
