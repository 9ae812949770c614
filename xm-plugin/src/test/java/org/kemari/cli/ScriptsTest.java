package org.kemari.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.Option;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScriptsTest {
    static final Path XM = Path.of("scripts/xm").toAbsolutePath();
    static final Path COMPLETION = Path.of("scripts/bash-completion/kemari").toAbsolutePath();

    @TempDir
    Path dir;

    /** Runs xm with stand-in xl and kemari that print how they were called. */
    private Shell xm(String... args) throws Exception {
        Shell.script(dir.resolve("xl"), "#!/bin/sh\necho \"xl $*\"\n");
        Shell.script(dir.resolve("kemari"), "#!/bin/sh\necho \"kemari $*\"\n");
        List<String> cmd = new ArrayList<>(List.of("bash", XM.toString()));
        cmd.addAll(Arrays.asList(args));
        return Shell.run(cmd, Map.of("PATH", dir + ":/usr/bin:/bin"), 10);
    }

    @Test
    void xmMigrateWithKemariRunsProtectWithTheRestOfTheLine() throws Exception {
        Shell r = xm("migrate", "web1", "dom0-b:8102", "--kemari", "-i", "100", "--witness", "/srv/l");
        assertThat(r.code()).isZero();
        assertThat(r.output()).isEqualTo("kemari protect web1 dom0-b:8102 -i 100 --witness /srv/l\n");
    }

    @Test
    void xlGlobalOptionsBeforeMigrateAreDroppedWithANote() throws Exception {
        Shell r = xm("-v", "migrate", "web1", "b", "--kemari");
        assertThat(r.output()).isEqualTo("xm: migrate --kemari: ignoring xl options -v (use kemari's --debug for detail)\n"
                + "kemari protect web1 b\n");
        assertThat(xm("-v", "migrate", "web1", "b").output()).isEqualTo("xl -v migrate web1 b\n");
    }

    @Test
    void everythingElseGoesToXlUnchanged() throws Exception {
        assertThat(xm("migrate", "web1", "dom0-b").output()).isEqualTo("xl migrate web1 dom0-b\n");
        assertThat(xm("list", "-l").output()).isEqualTo("xl list -l\n");
        assertThat(xm().output()).isEqualTo("xl \n");
    }

    @Test
    void xmWithoutXlSaysWhatIsMissing() throws Exception {
        Shell r = Shell.run(List.of("bash", XM.toString(), "list"), Map.of("PATH", dir.toString()), 10);
        assertThat(r.code()).isEqualTo(127);
        assertThat(r.output()).startsWith("xm: xl not found");
    }

    private Shell complete(String function, String... words) throws Exception {
        String script = "source " + COMPLETION + "\nCOMP_WORDS=(" + String.join(" ", words) + ")\nCOMP_CWORD="
                + (words.length - 1) + "\n" + function + "\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n";
        return Shell.run(List.of("bash", "-c", script), Map.of("PATH", "/usr/bin:/bin"), 10);
    }

    @Test
    void completionKnowsEveryOptionOfEveryVerb() throws Exception {
        Kemari kemari = new Kemari(Engine.NONE, false);
        for (String verb : KemariTest.VERBS) {
            Shell r = Shell.run(List.of("bash", "-c", "source " + COMPLETION + "; _kemari_options " + verb),
                    Map.of("PATH", "/usr/bin:/bin"), 10);
            List<String> offered = Arrays.asList(r.output().trim().split("\\s+"));
            for (Option o : kemari.verb(verb).options().getOptions()) {
                if (o.getLongOpt() != null) {
                    assertThat(offered).as("completion of kemari %s", verb).contains("--" + o.getLongOpt());
                }
                if (o.getOpt() != null) {
                    assertThat(offered).as("completion of kemari %s", verb).contains("-" + o.getOpt());
                }
            }
        }
    }

    @Test
    void completesVerbsOptionsAndValues() throws Exception {
        assertThat(complete("_kemari", "kemari", "prot").output()).isEqualTo("protect\n");
        assertThat(complete("_kemari", "kemari", "status", "--js").output()).isEqualTo("--json\n");
        assertThat(complete("_kemari", "kemari", "receive", "--sync-mode", "hy").output()).isEqualTo("hybrid\n");
        assertThat(complete("_kemari", "kemari", "config", "ch").output()).isEqualTo("check\n");
    }

    @Test
    void xmCompletionOffersKemariOptionsAfterTheFlag() throws Exception {
        assertThat(complete("_kemari_xm", "xm", "migrate", "web1", "b", "--kem").output()).isEqualTo("--kemari\n");
        assertThat(complete("_kemari_xm", "xm", "migrate", "web1", "b", "--kemari", "--heartbeat-t").output())
                .isEqualTo("--heartbeat-timeout\n");
    }
}
