package org.kemari.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.PackageMatcher;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The architecture rules of docs/architecture.md, checked with ArchUnit on the compiled main
 * classes of every module (xm-plugin's test classpath holds them all; lab brings xen-sim): which
 * module may depend on which ({@link #MAY_USE}), the simulator only in xen-sim and the lab, JNA
 * only in xen-bridge's {@code org.kemari.xen.jna} packages, no package cycle, and no two modules
 * with public top-level types of the same simple name. Modules are told apart by package
 * ({@link #PACKAGES}); a class in a package no module claims fails the module rule, and a
 * module's source tree holding a package claimed by another module fails
 * {@link #thePackageMapMatchesTheSourceTrees}. Maven's enforcer (parent pom) keeps the JNA and
 * simulator rules at the dependency level too.
 */
@AnalyzeClasses(packages = "org.kemari", importOptions = {ImportOption.DoNotIncludeTests.class, ArchitectureTest.MainClassesOfThisBuild.class})
class ArchitectureTest {
    /** Every module with main code, and the modules its main code may use (besides itself). */
    static final Map<String, Set<String>> MAY_USE = Map.of(
            "xen-bridge", Set.of(),
            "ringsync", Set.of("xen-bridge"),
            "xen-sim", Set.of("xen-bridge", "ringsync"),
            "evtchn-tap", Set.of("xen-bridge", "ringsync"),
            "ft-transaction", Set.of("xen-bridge"),
            "engine", Set.of("xen-bridge", "ringsync", "evtchn-tap", "ft-transaction"),
            "lab", Set.of("xen-bridge", "ringsync", "evtchn-tap", "ft-transaction", "engine", "xen-sim"),
            "xm-plugin", Set.of("xen-bridge", "ringsync", "evtchn-tap", "ft-transaction", "engine", "lab"));

    /**
     * The packages of each module's src/main/java (ArchUnit package identifiers). xen-bridge has
     * {@code org.kemari.xen} itself and its JNA backend, xen-sim has {@code org.kemari.xen.sim..}.
     */
    static final Map<String, List<String>> PACKAGES = new LinkedHashMap<>();

    static {
        PACKAGES.put("xen-bridge", List.of("org.kemari.xen", "org.kemari.xen.jna.."));
        PACKAGES.put("ringsync", List.of("org.kemari.ring.."));
        PACKAGES.put("xen-sim", List.of("org.kemari.xen.sim.."));
        PACKAGES.put("evtchn-tap", List.of("org.kemari.tap.."));
        PACKAGES.put("ft-transaction", List.of("org.kemari.ft.."));
        PACKAGES.put("engine", List.of("org.kemari.config..", "org.kemari.disk..", "org.kemari.dm..", "org.kemari.json..", "org.kemari.metrics..", "org.kemari.net..", "org.kemari.pair.."));
        PACKAGES.put("lab", List.of("org.kemari.bench..", "org.kemari.check..", "org.kemari.demo..", "org.kemari.torture.."));
        PACKAGES.put("xm-plugin", List.of("org.kemari.cli.."));
    }

    /**
     * Main classes built in this checkout: a module's target/classes or, once the reactor has
     * packaged it (mvn verify), its target jar. Not the test-jar, and not the installed jars of the
     * local repository, which may be stale (run with {@code -am}).
     */
    static final class MainClassesOfThisBuild implements ImportOption {
        private static final Pattern MAIN = Pattern.compile(".*/target/(classes/|[^/]+(?<!-tests)\\.jar!/).*");

        @Override
        public boolean includes(Location location) {
            return location.matches(MAIN);
        }
    }

    /** The module owning a package, or null. */
    static String moduleOf(String pkg) {
        List<String> owners = PACKAGES.entrySet().stream()
                .filter(e -> e.getValue().stream().anyMatch(id -> PackageMatcher.of(id).matches(pkg)))
                .map(Map.Entry::getKey).toList();
        return owners.size() == 1 ? owners.get(0) : null;
    }

    private static String[] packagesOf(Set<String> modules) {
        return modules.stream().flatMap(m -> PACKAGES.get(m).stream()).toArray(String[]::new);
    }

    private static ArchRule moduleRule() {
        LayeredArchitecture modules = layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (String module : PACKAGES.keySet()) {
            modules = modules.layer(module).definedBy(packagesOf(Set.of(module)));
        }
        for (String module : PACKAGES.keySet()) {
            Set<String> may = MAY_USE.get(module);
            modules = may.isEmpty() ? modules.whereLayer(module).mayNotAccessAnyLayer()
                    : modules.whereLayer(module).mayOnlyAccessLayers(may.toArray(String[]::new));
        }
        return modules.ensureAllClassesAreContainedInArchitecture();
    }

    @ArchTest
    static final ArchRule everyModuleUsesOnlyWhatItMay = moduleRule();

    @ArchTest
    static final ArchRule onlyXenSimAndTheLabNameTheSimulator = noClasses()
            .that().resideOutsideOfPackages(packagesOf(Set.of("xen-sim", "lab")))
            .should().dependOnClassesThat().resideInAPackage("org.kemari.xen.sim..")
            .because("the simulator is a test double and the lab's stage, not for production modules");

    @ArchTest
    static final ArchRule jnaOnlyInXenBridgesBackend = noClasses()
            .that().resideOutsideOfPackage("org.kemari.xen.jna..")
            .should().dependOnClassesThat().resideInAPackage("com.sun.jna..")
            .because("com.sun.jna is confined to xen-bridge's JNA backend");

    @ArchTest
    static final ArchRule noPackageCycle = slices().matching("org.kemari.(**)").should().beFreeOfCycles();

    /** Public top-level types whose simple name another module's public top-level type has too. */
    @ArchTest
    static void noTwoModulesHavePublicTypesOfTheSameSimpleName(JavaClasses classes) {
        Map<String, Set<String>> where = new TreeMap<>();
        for (JavaClass c : classes) {
            if (c.isTopLevelClass() && c.getModifiers().contains(JavaModifier.PUBLIC)) {
                where.computeIfAbsent(c.getSimpleName(), k -> new TreeSet<>()).add(moduleOf(c.getPackageName()) + ":" + c.getName());
            }
        }
        where.values().removeIf(types -> types.stream().map(t -> t.substring(0, t.indexOf(':'))).distinct().count() < 2);
        assertThat(where).isEmpty();
    }

    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("xm-plugin").resolve("pom.xml"))) {
            p = p.getParent();
        }
        return p;
    }

    /**
     * {@link #PACKAGES} says where each package of every module's src/main/java lives, and every
     * module's classes were imported (so the rules above saw the whole code base).
     */
    @ArchTest
    static void thePackageMapMatchesTheSourceTrees(JavaClasses classes) {
        Path root = root();
        assertThat(root).as("the project root above " + Path.of("").toAbsolutePath()).isNotNull();
        assertThat(MAY_USE.keySet()).isEqualTo(PACKAGES.keySet());
        Map<String, String> misplaced = new TreeMap<>();
        for (String module : PACKAGES.keySet()) {
            Path main = root.resolve(module).resolve("src/main/java");
            try (Stream<Path> files = Files.walk(main)) {
                files.filter(f -> f.toString().endsWith(".java")).map(f -> main.relativize(f.getParent()).toString().replace('/', '.'))
                        .distinct().filter(pkg -> !module.equals(moduleOf(pkg)))
                        .forEach(pkg -> misplaced.put(module + ": " + pkg, String.valueOf(moduleOf(pkg))));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        assertThat(misplaced).as("packages whose module per PACKAGES is not the module holding them").isEmpty();
        Map<String, Long> imported = classes.stream()
                .collect(Collectors.groupingBy(c -> String.valueOf(moduleOf(c.getPackageName())), TreeMap::new, Collectors.counting()));
        assertThat(imported).as("main classes imported per module (run with -am)").containsKeys(PACKAGES.keySet().toArray(String[]::new));
        assertThat(classes.size()).isGreaterThan(100);
    }
}
