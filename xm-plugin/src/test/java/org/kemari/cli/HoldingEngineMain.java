package org.kemari.cli;

/**
 * The real command line with an engine that replicates nothing: its receive just serves as the
 * pair's daemon until asked to stop. Lets tests drive daemon start, status and stop across real
 * processes independently of the replication engine.
 */
public final class HoldingEngineMain {
    private HoldingEngineMain() {
    }

    public static void main(String[] args) {
        Engine holding = new TestEngine() {
            @Override
            public ExitCode receive(PairSession s) {
                s.control().report(org.kemari.pair.PairPhase.RECEIVING, -1);
                try {
                    while (!s.control().awaitStop(1000)) {
                        s.control().report(org.kemari.pair.PairPhase.RECEIVING, -1);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return ExitCode.OK;
            }
        };
        System.exit(new Kemari(holding, false).run(args, System.out, System.err, System.getenv()));
    }
}
