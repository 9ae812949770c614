package org.kemari.bench;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a bench run has opened, closed in reverse order: a guest paused before its backends
 * close, backends before the pair they release for. Every close is tried; the first failure is
 * reported once all were.
 */
final class OpenedStack implements AutoCloseable {
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();
    private final String what;

    /** @param what the run, for the failure message ("the io guest bench") */
    OpenedStack(String what) {
        this.what = what;
    }

    <T extends AutoCloseable> T push(T resource) {
        opened.push(resource);
        return resource;
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = new IOException("closing " + what + ": " + e.getMessage(), e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
