package org.kemari.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import org.kemari.xen.HypervisorProvider;
import org.kemari.xen.Hypervisors;

/** Version, Java runtime, and which hypervisor backends this machine can open (and why not). */
final class VersionVerb implements Verb {
    /** Written by maven-jar-plugin into every jar, and kept by the shade plugin. */
    private static final String POM_PROPERTIES = "/META-INF/maven/org.kemari/xm-plugin/pom.properties";

    @Override
    public String name() {
        return "version";
    }

    @Override
    public String summary() {
        return "print the version and which backends work on this machine";
    }

    @Override
    public ExitCode run(Invocation in) {
        in.atMostArgs(0);
        in.out().println("kemari " + version() + " (java " + Runtime.version() + ")");
        for (HypervisorProvider p : Hypervisors.providers()) {
            String why = p.unavailableReason();
            in.out().println("backend " + p.name() + ": " + (why == null ? "available" : "unavailable: " + why));
        }
        if (Hypervisors.providers().isEmpty()) {
            in.out().println("backends: none in this build");
        }
        return ExitCode.OK;
    }

    static String version() {
        try (InputStream s = VersionVerb.class.getResourceAsStream(POM_PROPERTIES)) {
            if (s == null) {
                return "(development build: run from classes, not the jar)";
            }
            Properties p = new Properties();
            p.load(s);
            return p.getProperty("version", "(version missing from " + POM_PROPERTIES + ")");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
