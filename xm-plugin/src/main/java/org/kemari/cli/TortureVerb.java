package org.kemari.cli;

import java.io.IOException;
import java.util.List;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.kemari.torture.Campaign;
import org.kemari.torture.KillRound;

/** {@code kemari torture}: many primary kills on the simulator, each judged by the external checker. */
final class TortureVerb implements Verb {
    private static final String ROUNDS = "rounds";
    private static final String SEED = "seed";
    private static final int DEFAULT_ROUNDS = 100;

    @Override
    public String name() {
        return "torture";
    }

    @Override
    public String summary() {
        return "kill the primary at every crash point and at random moments, on the simulator; check nothing acknowledged is lost";
    }

    @Override
    public String details() {
        return "Each round starts a fresh pair of processes (as kemari demo does), kills the primary and checks from\n"
                + "outside that the secondary failed over and no acknowledged write was lost. Exits 0 if every round\n"
                + "passed, 1 otherwise; a failed round's logs are kept. docs/reliability.md lists the crash points.";
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(Option.builder().longOpt(ROUNDS).hasArg().argName("n")
                        .desc("how many primary kills (default " + DEFAULT_ROUNDS + ")").get())
                .addOption(Option.builder().longOpt(SEED).hasArg().argName("s")
                        .desc("seed for crash visits and kill moments (default: the clock; printed)").get());
    }

    @Override
    public ExitCode run(Invocation in) {
        in.atMostArgs(0);
        int rounds = (int) number(in, ROUNDS, DEFAULT_ROUNDS, 1, 1_000_000);
        long seed = number(in, SEED, System.nanoTime(), Long.MIN_VALUE, Long.MAX_VALUE);
        try {
            List<KillRound.Result> failed = new Campaign(in.out(), seed).run(rounds);
            return failed.isEmpty() ? ExitCode.OK : ExitCode.FAILURE;
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILURE, e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCode.FAILURE;
        }
    }

    private static long number(Invocation in, String option, long fallback, long min, long max) {
        if (!in.has(option)) {
            return fallback;
        }
        String v = in.value(option);
        try {
            long n = Long.parseLong(v.strip());
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new CliException(ExitCode.USAGE, "--" + option + " '" + v + "': expected a whole number from "
                    + min + " to " + max);
        }
    }
}
