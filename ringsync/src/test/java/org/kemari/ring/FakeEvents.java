package org.kemari.ring;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Queue;
import org.kemari.xen.EventChannels;

/** Event channels that count what dom0 sends and deliver what a test fires, without waiting. */
public final class FakeEvents implements EventChannels {
    private final Map<Integer, Integer> sent = new HashMap<>();
    private final Queue<Integer> fired = new ArrayDeque<>();
    private final List<Integer> unmasked = new ArrayList<>();

    public int sent(int port) {
        return sent.getOrDefault(port, 0);
    }

    /** The frontend side notifies {@code port}. */
    public void fire(int port) {
        fired.add(port);
    }

    public List<Integer> unmasked() {
        return unmasked;
    }

    @Override
    public void notify(int localPort) {
        sent.merge(localPort, 1, Integer::sum);
    }

    @Override
    public OptionalInt pending(Duration timeout) {
        Integer port = fired.poll();
        return port == null ? OptionalInt.empty() : OptionalInt.of(port);
    }

    @Override
    public void unmask(int localPort) {
        unmasked.add(localPort);
    }

    @Override
    public int bindInterdomain(int remoteDomid, int remotePort) {
        throw new UnsupportedOperationException("ring tests use a preset port");
    }

    @Override
    public int bindUnboundPort(int remoteDomid) {
        throw new UnsupportedOperationException("ring tests use a preset port");
    }

    @Override
    public void unbind(int localPort) {
    }

    @Override
    public void close() {
    }
}
