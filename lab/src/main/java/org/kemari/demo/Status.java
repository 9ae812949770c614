package org.kemari.demo;

import org.kemari.torture.DemoPair;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import org.kemari.check.CheckerServer;
import org.kemari.pair.PairState;
import org.kemari.pair.StateDir;

/**
 * The demo's live line: both daemons' phases and epochs as they publish them, epochs per second
 * on the primary, and what the checker outside has been told. Redrawn in place on a terminal;
 * one line a second otherwise, so a log stays readable. A daemon whose process is gone is shown
 * dead: a SIGKILLed primary cannot take back the "protected" it published last.
 */
final class Status {
    private final PrintStream out;
    private final StateDir primary;
    private final StateDir secondary;
    private final CheckerServer checker;
    private final boolean terminal = System.console() != null && !"dumb".equals(System.getenv("TERM"));
    private long lastEpoch = -1;
    private long lastAt;

    Status(PrintStream out, DemoPair pair, CheckerServer checker) {
        this.out = out;
        this.primary = new StateDir(pair.primaryState());
        this.secondary = new StateDir(pair.secondaryState());
        this.checker = checker;
    }

    void runFor(Duration d) throws InterruptedException {
        long end = System.nanoTime() + d.toNanos();
        long nextPlain = 0;
        while (System.nanoTime() - end < 0) {
            String line = line();
            if (terminal) {
                out.print("\r" + line + "\033[K");
                out.flush();
                Thread.sleep(100);
            } else if (System.nanoTime() - nextPlain >= 0) {
                out.println(line);
                nextPlain = System.nanoTime() + 1_000_000_000L;
                Thread.sleep(100);
            } else {
                Thread.sleep(100);
            }
        }
    }

    void newline() {
        if (terminal) {
            out.println();
        }
    }

    private String line() {
        Optional<PairState> p = primary.read(DemoPair.NAME);
        Optional<PairState> s = secondary.read(DemoPair.NAME);
        long now = System.nanoTime();
        String rate = "";
        if (p.isPresent() && StateDir.alive(p.get())) {
            long e = p.get().epoch();
            if (lastEpoch >= 0 && now > lastAt && e >= lastEpoch) {
                rate = String.format(" %.0f epochs/s", (e - lastEpoch) * 1e9 / (now - lastAt));
            }
            lastEpoch = e;
            lastAt = now;
        }
        return "primary: " + describe(p) + rate + " | secondary: " + describe(s)
                + " | checker: " + checker.ledger().acknowledged() + " writes acknowledged";
    }

    static String describe(Optional<PairState> state) {
        return state.map(st -> StateDir.alive(st) ? st.phase() + " epoch " + st.epoch()
                : "DEAD (pid " + st.pid() + " gone, last said " + st.phase() + " epoch " + st.epoch() + ")").orElse("-");
    }
}
