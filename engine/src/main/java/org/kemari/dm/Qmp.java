package org.kemari.dm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import org.kemari.json.Json;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * A QEMU Machine Protocol client on a Unix-domain socket, as libxl's device model offers one per
 * domain. QMP is one JSON object per line; SnakeYAML's safe loader reads them (JSON is YAML as
 * far as these messages go), so no JSON parser of our own. Every read is bounded by the
 * client's timeout: a QEMU that hangs must not hang the primary's epoch with the guest paused.
 * Asynchronous events are skipped. One command at a time; not thread-safe.
 */
public final class Qmp implements AutoCloseable {
    /** QEMU's state files and replies are small; a larger line is a broken peer, not a message. */
    private static final int MAX_LINE = 1 << 20;

    private final Path socket;
    private final SocketChannel channel;
    private final Selector selector;
    private final Duration timeout;
    private final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final Yaml json = new Yaml(new SafeConstructor(new LoaderOptions()));

    private Qmp(Path socket, SocketChannel channel, Selector selector, Duration timeout) {
        this.socket = socket;
        this.channel = channel;
        this.selector = selector;
        this.timeout = timeout;
        in.flip();
    }

    /** Connects, reads QEMU's greeting and leaves capability negotiation mode. */
    public static Qmp connect(Path socket, Duration timeout) {
        SocketChannel ch = null;
        Selector sel = null;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.configureBlocking(false);
            sel = Selector.open();
            ch.register(sel, SelectionKey.OP_READ);
        } catch (IOException e) {
            closeQuietly(ch, sel);
            throw new QmpException("QMP " + socket + ": cannot connect: " + e.getMessage(), e, true);
        }
        Qmp q = new Qmp(socket, ch, sel, timeout);
        try {
            Map<String, Object> greeting = q.readMessage();
            if (!greeting.containsKey("QMP")) {
                throw new QmpException("QMP " + socket + ": expected the QMP greeting, got " + greeting);
            }
            q.execute("qmp_capabilities", Map.of());
            return q;
        } catch (RuntimeException e) {
            q.close();
            throw e;
        }
    }

    /**
     * Runs one command and returns its "return" value; a QMP error becomes a
     * {@link QmpException} with QEMU's class and description.
     */
    public Object execute(String command, Map<String, ?> arguments) {
        send(request(command, arguments));
        while (true) {
            Map<String, Object> reply = readMessage();
            if (reply.containsKey("event")) {
                continue;
            }
            if (reply.containsKey("return")) {
                return reply.get("return");
            }
            if (reply.get("error") instanceof Map<?, ?> err) {
                throw new QmpException("QMP " + socket + ": " + command + " failed: " + err.get("class") + ": " + err.get("desc"));
            }
            throw new QmpException("QMP " + socket + ": " + command + ": unexpected reply " + reply);
        }
    }

    /** QEMU's run state ("running", "paused", "inmigrate", "restore-vm", ...). */
    public String status() {
        Object r = execute("query-status", Map.of());
        if (r instanceof Map<?, ?> m && m.get("status") instanceof String s) {
            return s;
        }
        throw new QmpException("QMP " + socket + ": query-status: unexpected reply " + r);
    }

    /** QMP arguments here are strings, booleans and numbers only. */
    static String request(String command, Map<String, ?> arguments) {
        StringBuilder sb = new StringBuilder("{\"execute\":").append(Json.quote(command));
        if (!arguments.isEmpty()) {
            StringJoiner args = new StringJoiner(",", "{", "}");
            arguments.forEach((k, v) -> args.add(Json.quote(k) + ":" + value(k, v)));
            sb.append(",\"arguments\":").append(args);
        }
        return sb.append('}').toString();
    }

    private static String value(String name, Object v) {
        if (v instanceof String s) {
            return Json.quote(s);
        }
        if (v instanceof Boolean || v instanceof Integer || v instanceof Long) {
            return v.toString();
        }
        throw new IllegalArgumentException("QMP argument " + name + ": " + v + " is not a string, boolean or integer");
    }

    private void send(String text) {
        ByteBuffer out = ByteBuffer.wrap((text + "\n").getBytes(StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (out.hasRemaining()) {
                if (channel.write(out) == 0) {
                    awaitReady(deadline, "send");
                }
            }
        } catch (IOException e) {
            throw new QmpException("QMP " + socket + ": write failed: " + e.getMessage(), e, true);
        }
    }

    private Map<String, Object> readMessage() {
        String text = readLine();
        Object parsed;
        try {
            parsed = json.load(text);
        } catch (YAMLException e) {
            throw new QmpException("QMP " + socket + ": unreadable message '" + abbreviate(text) + "': " + e.getMessage(), e, false);
        }
        if (!(parsed instanceof Map<?, ?> m)) {
            throw new QmpException("QMP " + socket + ": expected a JSON object, got '" + abbreviate(text) + "'");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    private String readLine() {
        long deadline = System.nanoTime() + timeout.toNanos();
        line.reset();
        try {
            while (true) {
                while (in.hasRemaining()) {
                    byte b = in.get();
                    if (b == '\n') {
                        String s = line.toString(StandardCharsets.UTF_8).strip();
                        line.reset();
                        if (!s.isEmpty()) {
                            return s;
                        }
                    } else if (line.size() >= MAX_LINE) {
                        throw new QmpException("QMP " + socket + ": a message longer than " + MAX_LINE + " bytes");
                    } else {
                        line.write(b);
                    }
                }
                in.clear();
                int n = channel.read(in);
                in.flip();
                if (n < 0) {
                    throw new QmpException("QMP " + socket + ": QEMU closed the connection", null, true);
                }
                if (n == 0) {
                    awaitReady(deadline, "reply");
                }
            }
        } catch (IOException e) {
            throw new QmpException("QMP " + socket + ": read failed: " + e.getMessage(), e, true);
        }
    }

    private void awaitReady(long deadline, String what) throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new QmpException("QMP " + socket + ": no " + what + " from QEMU within " + timeout.toMillis() + " ms");
        }
        selector.selectedKeys().clear();
        SelectionKey key = channel.keyFor(selector);
        key.interestOps("send".equals(what) ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        selector.select(Math.max(1, left / 1_000_000));
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    @Override
    public void close() {
        closeQuietly(channel, selector);
    }

    private static void closeQuietly(SocketChannel ch, Selector sel) {
        try {
            if (sel != null) {
                sel.close();
            }
            if (ch != null) {
                ch.close();
            }
        } catch (IOException e) {
            // nothing is left to release: the descriptors are gone either way
        }
    }
}
