package org.kemari.cli;

/** Entry point of kemari.jar; the only place that exits the JVM. */
public final class Main {
    private Main() {
    }

    /** The engine this build's command line drives. */
    public static Engine engine() {
        return new WiredEngine();
    }

    public static void main(String[] args) {
        int code = new Kemari(engine(), System.console() != null).run(args, System.out, System.err, System.getenv());
        System.out.flush();
        System.exit(code);
    }
}
