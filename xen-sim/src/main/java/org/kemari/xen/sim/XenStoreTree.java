package org.kemari.xen.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.kemari.xen.Errno;
import org.kemari.xen.XenException;

/**
 * The host's xenstore: a tree of nodes with string values, and watches that fire as xenstored
 * fires them (a change to a node fires the watches on it and on its ancestors; removing a
 * subtree also fires watches set inside it). Permissions are not modelled: every connection
 * may read and write everything, as dom0 may.
 */
final class XenStoreTree {
    /** Xenstored's XENSTORE_ABS_PATH_MAX. */
    private static final int MAX_PATH = 3072;
    static final String INTRODUCE_DOMAIN = "@introduceDomain";
    static final String RELEASE_DOMAIN = "@releaseDomain";

    /** A registered watch; {@code sink} receives (path that changed, token). */
    record Watch(String path, String token, boolean relative, SimXenStore sink) {
    }

    /** Absolute path -> value; children are the keys with the path as parent. */
    private final TreeMap<String, String> nodes = new TreeMap<>();
    private final List<Watch> watches = new CopyOnWriteArrayList<>();

    XenStoreTree() {
        nodes.put("/", "");
    }

    synchronized Optional<String> read(String path) {
        return Optional.ofNullable(nodes.get(path));
    }

    synchronized void write(String path, String value) {
        for (String p = parent(path); p != null && !nodes.containsKey(p); p = parent(p)) {
            nodes.put(p, ""); // xenstored creates missing ancestors with empty values
        }
        nodes.put(path, value);
        fire(path);
    }

    synchronized List<String> list(String path) {
        List<String> out = new ArrayList<>();
        String prefix = path.equals("/") ? "/" : path + "/";
        for (String key : nodes.tailMap(prefix, false).keySet()) {
            if (!key.startsWith(prefix)) {
                break;
            }
            if (key.indexOf('/', prefix.length()) < 0) {
                out.add(key.substring(prefix.length()));
            }
        }
        return out;
    }

    /** As xenstored: removing a missing node is fine if its parent exists, else ENOENT. */
    synchronized void remove(String op, String path) {
        if (path.equals("/")) {
            throw new XenException(op, XenException.NO_DOMAIN, Errno.EINVAL, "cannot remove the root node");
        }
        if (!nodes.containsKey(path)) {
            if (nodes.containsKey(parent(path))) {
                return;
            }
            throw new XenException(op, XenException.NO_DOMAIN, Errno.ENOENT, "no node " + path + " nor its parent");
        }
        List<String> gone = new ArrayList<>();
        gone.add(path);
        for (Map.Entry<String, String> e : nodes.tailMap(path + "/", true).entrySet()) {
            if (!e.getKey().startsWith(path + "/")) {
                break;
            }
            gone.add(e.getKey());
        }
        gone.forEach(nodes::remove);
        fire(path);
        for (String child : gone.subList(1, gone.size())) {
            for (Watch w : watches) {
                if (w.path.equals(child)) {
                    w.sink.queue(child, w);
                }
            }
        }
    }

    void watch(Watch w) {
        watches.add(w);
        w.sink.queue(w.path, w);
    }

    void unwatch(SimXenStore sink, String path, String token) {
        watches.removeIf(w -> w.sink == sink && w.path.equals(path) && w.token.equals(token));
    }

    void unwatchAll(SimXenStore sink) {
        watches.removeIf(w -> w.sink == sink);
    }

    /** Fires a special watch such as {@link #INTRODUCE_DOMAIN}. */
    void fireSpecial(String name) {
        for (Watch w : watches) {
            if (w.path.equals(name)) {
                w.sink.queue(name, w);
            }
        }
    }

    private void fire(String changed) {
        for (Watch w : watches) {
            if (changed.equals(w.path) || changed.startsWith(w.path.equals("/") ? "/" : w.path + "/")) {
                w.sink.queue(changed, w);
            }
        }
    }

    /**
     * Checks a path as xenstored does and returns it absolute ({@code home} prefixes relative
     * ones). Special "@" names are only for watches.
     */
    static String canonical(String op, String path, String home, boolean watch) {
        if (path == null || path.isEmpty()) {
            throw new XenException(op, XenException.NO_DOMAIN, Errno.EINVAL, "xenstore path is empty");
        }
        if (path.startsWith("@")) {
            if (!watch) {
                throw new XenException(op, XenException.NO_DOMAIN, Errno.EINVAL, "'" + path
                        + "' is a special watch name, not a node");
            }
            return path;
        }
        String abs = path.startsWith("/") ? path : home + "/" + path;
        if (abs.length() > MAX_PATH || (abs.length() > 1 && abs.endsWith("/")) || abs.contains("//")) {
            throw new XenException(op, XenException.NO_DOMAIN, Errno.EINVAL, "bad xenstore path '" + path + "'");
        }
        for (int i = 0; i < abs.length(); i++) {
            char c = abs.charAt(i);
            if (!(Character.isLetterOrDigit(c) && c < 128) && "/_@-".indexOf(c) < 0) {
                throw new XenException(op, XenException.NO_DOMAIN, Errno.EINVAL, "bad character '" + c
                        + "' in xenstore path '" + path + "'");
            }
        }
        return abs;
    }

    private static String parent(String path) {
        int i = path.lastIndexOf('/');
        if (i < 0 || path.equals("/")) {
            return null;
        }
        return i == 0 ? "/" : path.substring(0, i);
    }
}
