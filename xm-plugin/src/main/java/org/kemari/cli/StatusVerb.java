package org.kemari.cli;

import org.kemari.pair.StateDir;
import org.kemari.pair.PairState;
import org.kemari.pair.PairRole;
import org.kemari.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * Reports what this host is for each pair, from the state the pair daemons publish. The JSON
 * form is a contract (docs/kemari.1.md): the OCF agent and scripts parse it.
 */
final class StatusVerb implements Verb {
    static final int SCHEMA = 1;

    @Override
    public String name() {
        return "status";
    }

    @Override
    public String summary() {
        return "show each pair's role on this host (primary, secondary, stopped)";
    }

    @Override
    public String syntax() {
        return "[--pair <name> | --config <file>] [--json]";
    }

    @Override
    public String details() {
        return "With --pair or --config, one pair; otherwise every pair with state on this host. A pair whose"
                + " daemon died is reported as stopped with \"stale\": true. --json prints one line, schema "
                + SCHEMA + ": {\"schema\":1,\"pair\":..,\"role\":\"primary|secondary|stopped\",\"stale\":..,"
                + "\"pid\":..,\"domain\":..,\"peer\":..,\"phase\":..,\"epoch\":..,\"updated\":..,\"timings\":{..}}, or"
                + " {\"schema\":1,\"pairs\":[..]} for all pairs. \"timings\" (once a stream has carried an epoch):"
                + " {\"epochs\":..,\"pages\":..,\"bytes\":..,\"stages\":{\"<stage>\":{\"count\":..,\"window\":..,"
                + "\"p50_ns\":..,\"p90_ns\":..,\"p99_ns\":..,\"max_ns\":..,\"sum_ns\":..},..}}.";
    }

    @Override
    public Options options() {
        Options o = PairOptions.selection();
        o.addOption(Option.builder().longOpt("json").desc("machine-readable output (one line)").get());
        return o;
    }

    @Override
    public ExitCode run(Invocation in) {
        in.atMostArgs(0);
        StateDir dir = in.stateDir();
        String pair = PairSelection.name(in);
        boolean json = in.has("json");
        if (pair != null) {
            in.out().println(json ? json(dir, pair) : text(dir, pair));
            return ExitCode.OK;
        }
        List<String> entries = new ArrayList<>();
        for (String p : dir.pairs()) {
            entries.add(json ? json(dir, p) : text(dir, p));
        }
        if (json) {
            in.out().println(new Json().field("schema", SCHEMA).raw("pairs", Json.array(entries)));
        } else if (entries.isEmpty()) {
            in.out().println("no pairs running on this host (state dir " + dir.path() + ")");
        } else {
            entries.forEach(in.out()::println);
        }
        return ExitCode.OK;
    }

    private static String json(StateDir dir, String pair) {
        Optional<PairState> state = dir.read(pair);
        Json j = json(pair, state);
        if (state.isPresent() && StateDir.alive(state.get())) {
            dir.readTimings(pair).ifPresent(t -> j.raw("timings", TimingsView.json(t)));
        }
        return j.toString();
    }

    private static String text(StateDir dir, String pair) {
        Optional<PairState> state = dir.read(pair);
        String line = text(pair, state);
        if (state.isPresent() && StateDir.alive(state.get())) {
            return dir.readTimings(pair).map(t -> line + "\n  " + TimingsView.line(t)).orElse(line);
        }
        return line;
    }

    private static Json json(String pair, Optional<PairState> state) {
        Json j = new Json().field("schema", SCHEMA).field("pair", pair);
        if (state.isEmpty()) {
            return j.field("role", PairRole.STOPPED.token()).field("stale", false);
        }
        PairState s = state.get();
        boolean alive = StateDir.alive(s);
        return j.field("role", alive ? s.role().token() : PairRole.STOPPED.token())
                .field("stale", !alive)
                .field("pid", s.pid())
                .field("domain", s.domain())
                .field("peer", s.peer())
                .field("phase", s.phase().word())
                .field("epoch", s.epoch())
                .field("updated", s.updated().toString());
    }

    private static String text(String pair, Optional<PairState> state) {
        if (state.isEmpty()) {
            return pair + ": stopped";
        }
        PairState s = state.get();
        if (!StateDir.alive(s)) {
            return pair + ": stopped (stale state: pid " + s.pid() + " was " + s.role().token() + ", last "
                    + s.phase() + " at " + s.updated() + ")";
        }
        return pair + ": " + s.role().token() + ", pid " + s.pid() + ", domain " + s.domain() + ", peer " + s.peer()
                + ", " + s.phase() + ", epoch " + s.epoch() + ", updated " + s.updated();
    }
}
