package org.kemari.pair;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.kemari.xen.Errno;
import org.kemari.xen.XenException;

/**
 * Runs xl, the toolstack, for what only libxl does right (building and tearing down a domain
 * with its xenstore entries and backends). Bounded in time: xl waits on hotplug scripts and
 * xenstore, and a wedged one must not hang the receive daemon.
 */
interface XlCommand {

    /** Runs {@code xl <args>}; fails with xl's last output line if it exits non-zero or times out. */
    void run(List<String> args);

    /** The xl on PATH (or {@code xl} given), each call limited to {@code limit}. */
    static XlCommand of(String xl, Duration limit) {
        return args -> {
            List<String> cmd = new ArrayList<>(List.of(xl));
            cmd.addAll(args);
            String what = String.join(" ", cmd);
            Process p;
            try {
                p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new XenException(what, XenException.NO_DOMAIN, Errno.ENOENT, "cannot run " + xl + ": " + e.getMessage());
            }
            try {
                p.getOutputStream().close();
                if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    throw new XenException(what, XenException.NO_DOMAIN, Errno.ETIMEDOUT,
                            "did not finish within " + limit.toSeconds() + " s; killed");
                }
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                if (p.exitValue() != 0) {
                    String last = out.isEmpty() ? "no output" : out.substring(out.lastIndexOf('\n') + 1);
                    throw new XenException(what, XenException.NO_DOMAIN, 0, "exit status " + p.exitValue() + ": " + last);
                }
            } catch (IOException e) {
                throw new XenException(what, XenException.NO_DOMAIN, Errno.EIO, "reading its output failed: " + e.getMessage());
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new XenException(what, XenException.NO_DOMAIN, Errno.EINTR, "interrupted");
            }
        };
    }
}
