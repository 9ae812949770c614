package org.kemari.cli;

/** An engine for tests: every verb available, every action unsupported unless overridden. */
class TestEngine implements Engine {
    @Override
    public String missing(String verb) {
        return null;
    }

    @Override
    public ExitCode protect(PairSession session) {
        throw new UnsupportedOperationException("protect");
    }

    @Override
    public ExitCode receive(PairSession session) {
        throw new UnsupportedOperationException("receive");
    }

    @Override
    public ExitCode failover(PairSession session) {
        throw new UnsupportedOperationException("failover");
    }

    @Override
    public ExitCode demo(Invocation in) {
        throw new UnsupportedOperationException("demo");
    }

    @Override
    public ExitCode bench(Invocation in) {
        throw new UnsupportedOperationException("bench");
    }
}
