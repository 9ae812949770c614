package org.kemari.testbed;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.kemari.xen.DomainInfo;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.Hypervisors;
import org.kemari.xen.PmTimerKeeper;
import org.kemari.xen.XenException;

/**
 * Runs in the testbed's dom0 (cases/protect.sh): do a protected guest's clocks keep time? Reads
 * the running guest's clocks ({@link GuestClocks}) with dom0's monotonic time beside them (pause,
 * a context save the way kemari saves one, unpause) and writes them to OUT. Given the file of an
 * earlier reading, prints each clock's rate against dom0's over the interval between the two.
 *
 * <p>{@code ClockWatch --pause DOMAIN} instead pauses the domain at a moment no vcpu waits on the
 * device model and leaves it paused: a guest paused while one waits cannot take its answer, so
 * every epoch kemari captures of it until it runs again must skip putting the PM timer back,
 * and the timer gains at each.
 *
 * <p>Exit 0 every clock within {@link #RATE_TOLERANCE} of dom0's rate, 1 one is not, 2 usage or Xen error.
 */
public final class ClockWatch {
    static final double RATE_TOLERANCE = 0.05;
    private static final String MONOTONIC = "dom0 monotonic";

    private ClockWatch() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 2 && args[0].equals("--pause")) {
            quietPause(args[1]);
            return;
        }
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: ClockWatch DOMAIN OUT [EARLIER]   (an HVM guest; EARLIER: OUT of a previous run)");
            System.exit(2);
        }
        Properties now = new Properties();
        try (Hypervisor xen = Hypervisors.open("xen")) {
            DomainInfo d = xen.lookup(args[0]);
            xen.pause(d.domid());
            try {
                GuestClocks.read(new PmTimerKeeper(xen, d.domid()).save().records())
                        .forEach((clock, seconds) -> now.setProperty(clock, Double.toString(seconds)));
                now.setProperty(MONOTONIC, Double.toString(System.nanoTime() / 1e9));
            } finally {
                xen.unpause(d.domid());
            }
        } catch (XenException e) {
            System.out.println("ERROR: " + e.getMessage());
            System.exit(2);
        }
        try (Writer w = Files.newBufferedWriter(Path.of(args[1]))) {
            now.store(w, "ClockWatch " + args[0]);
        }
        if (args.length == 3) {
            Properties before = new Properties();
            try (Reader r = Files.newBufferedReader(Path.of(args[2]))) {
                before.load(r);
            }
            System.exit(rates(before, now) ? 0 : 1);
        }
    }

    private static void quietPause(String domain) {
        try (Hypervisor xen = Hypervisors.open("xen")) {
            int domid = xen.lookup(domain).domid();
            PmTimerKeeper keeper = new PmTimerKeeper(xen, domid);
            xen.pause(domid);
            keeper.save();
            keeper.settle();
            keeper.save();
            System.out.println("paused " + domain + " after " + keeper.settled() + " short run(s); PM timer put back "
                    + keeper.kept() + " time(s), skipped " + keeper.skippedInFlight());
        } catch (XenException e) {
            System.out.println("ERROR: " + e.getMessage());
            System.exit(2);
        }
    }

    private static boolean rates(Properties before, Properties now) {
        double interval = value(now, MONOTONIC) - value(before, MONOTONIC);
        boolean ok = true;
        for (Map.Entry<Object, Object> e : now.entrySet()) {
            String clock = (String) e.getKey();
            if (clock.equals(MONOTONIC) || !before.containsKey(clock)) {
                continue;
            }
            double advanced = -GuestClocks.difference(clock, value(before, clock), value(now, clock));
            double rate = advanced / interval;
            boolean within = Math.abs(rate - 1) <= RATE_TOLERANCE;
            ok &= within;
            System.out.printf("clock rate %s: %+.3f s in %.3f s of dom0 time: %.4f (%s)%n", clock, advanced, interval, rate,
                    within ? "within " + RATE_TOLERANCE : "BEYOND " + RATE_TOLERANCE);
        }
        return ok;
    }

    private static double value(Properties p, String key) {
        return Double.parseDouble(p.getProperty(key));
    }
}
