package org.kemari.ft.transport;

/** How the replication connection is protected (docs/ft-transaction.md §2). */
public enum SecurityMode {
    /** TLS 1.3 with certificates on both sides: confidential and authenticated. */
    TLS,
    /** Pre-shared key, HMAC-authenticated frames; guest memory travels in clear. */
    PSK,
    /** Plain TCP, for tests and labs only; requires an explicit insecure flag. */
    INSECURE
}
