package dev.mcpd.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour catalogue ({@code docs/behaviours.md}) and the code agree: every catalogued behaviour is cited by a
 * test class or a Cucumber scenario, and nothing cites an id the catalogue lacks.
 *
 * <p>What counts as a citation:
 * <ul>
 *   <li>a test: the id anywhere in a test class ({@code src/test/java/**}{@code /*Test.java}, {@code *IT.java},
 *       {@code *Contract.java}): its name, a {@code @DisplayName} or a comment;</li>
 *   <li>a scenario: the tag {@code @B-xx} on a scenario or feature under {@code src/test/resources}.</li>
 * </ul>
 * Every {@code .java}, {@code .feature} and {@code .md} file of the repository (outside {@code target},
 * {@code node_modules} and hidden directories) is read for ids. A catalogue entry reads "- Status: planned" for a
 * promise not built yet (no test asked for) or "- Tests: none yet" for a known gap (it must then have no test: when
 * one arrives, the entry is updated). No file (but this test's examples) may cite a range of ids ({@code B-S1..S3},
 * {@code B-L2/L5}, {@code B-M*}): grep cannot find the ids inside one.
 */
class BehaviourTraceabilityTest {

    @Test
    @DisplayName("every catalogued behaviour is cited by a test or a scenario, and every cited id is catalogued")
    void theCatalogueAndTheRepositoryAgree() {
        Path root = repositoryRoot();

        List<String> offences = Traceability.check(root);

        assertThat(offences)
                .withFailMessage("docs/behaviours.md and the repository disagree (%d offences):%n  %s",
                        offences.size(), String.join(System.lineSeparator() + "  ", offences))
                .isEmpty();
    }

    @Test
    @DisplayName("an uncited id, an unknown id, a cited gap and a range are all reported at once")
    void reportsEveryOffenderAtOnce(@TempDir Path root) throws IOException {
        write(root.resolve("docs/behaviours.md"), """
                # catalogue
                ### B-Q1 Cited by a test
                - Tests: `QuietTest`
                ### B-Q2 Cited by nobody
                - Tests: `GoneTest`
                ### B-Q3 Cited by a scenario
                ### B-Q4 A known gap
                - Tests: none yet
                ### B-Q5 Not built yet
                - Status: planned
                """);
        write(root.resolve("m/src/test/java/x/QuietTest.java"), """
                /** B-Q1 and the gap B-Q4 */
                class QuietTest {
                    // B-Z9 is no catalogued id
                }
                """);
        write(root.resolve("m/src/test/java/x/Helper.java"), "// B-Q2 in a helper is no test\n");
        write(root.resolve("m/src/main/java/x/Owner.java"), "/** Keeps B-Q1 and B-Z8. */\nclass Owner {}\n");
        write(root.resolve("m/src/test/resources/features/f.feature"), """
                Feature: f
                  Covers B-Q1..Q3.

                  @B-Q3 @B-Z7
                  Scenario: s
                """);
        write(root.resolve("m/target/generated/Copy.java"), "// B-Z6 under target is not read\n");

        List<String> offences = Traceability.check(root);

        assertThat(offences).containsExactlyInAnyOrder(
                "B-Q2 has no test class or scenario citing it",
                "B-Q4 is marked 'Tests: none yet' but is cited by m/src/test/java/x/QuietTest.java: list its tests",
                "m/src/main/java/x/Owner.java:1 cites B-Z8, which docs/behaviours.md lacks",
                "m/src/test/java/x/QuietTest.java:3 cites B-Z9, which docs/behaviours.md lacks",
                "m/src/test/resources/features/f.feature:4 cites B-Z7, which docs/behaviours.md lacks",
                "m/src/test/resources/features/f.feature:2 cites a range (B-Q1..Q3): spell out every id");
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    /** The directory holding {@code docs/behaviours.md}: the working directory (a module under Maven) or above. */
    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(Traceability.CATALOGUE))
                    && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no " + Traceability.CATALOGUE + " above " + Path.of("").toAbsolutePath());
    }

    /** Reads the catalogue and every citation under a root, and lists what disagrees. */
    static final class Traceability {

        static final String CATALOGUE = "docs/behaviours.md";
        private static final String SELF = BehaviourTraceabilityTest.class.getSimpleName() + ".java";

        private static final Pattern ID = Pattern.compile("(?<![A-Za-z0-9-])B-[A-Z][0-9]+(?![0-9])");
        private static final Pattern TAG = Pattern.compile("(?<=@)B-[A-Z][0-9]+(?![0-9])");
        private static final Pattern ENTRY = Pattern.compile("^### (B-[A-Z][0-9]+)\\b");
        private static final Pattern RANGE = Pattern.compile(
                "(?<![A-Za-z0-9-])B-[A-Z](?:[0-9]+\\s*(?:\\.\\.|/|–)\\s*(?:B-)?[A-Z]?[0-9]+|\\*)");
        private static final Pattern TEST_CLASS = Pattern.compile(".*(Test|IT|Contract)\\.java");
        private static final Set<String> SKIPPED_DIRECTORIES = Set.of("target", "node_modules");

        private Traceability() {}

        /** Every offence under {@code root}, one line each, catalogue offences first; empty when all agree. */
        static List<String> check(Path root) {
            Map<String, String> entries = entries(root.resolve(CATALOGUE));
            Map<String, Set<String>> citedBy = new TreeMap<>();
            List<String> unknown = new ArrayList<>();
            List<String> ranges = new ArrayList<>();
            for (Path file : files(root)) {
                String relative = root.relativize(file).toString().replace('\\', '/');
                String name = file.getFileName().toString();
                if (relative.equals(CATALOGUE) || name.equals(SELF)) {
                    continue; // the catalogue defines the ids; this test's own fixtures cite made-up ones
                }
                boolean feature = name.endsWith(".feature");
                boolean test = relative.contains("src/test/java/") && TEST_CLASS.matcher(name).matches();
                List<String> lines = lines(file);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    Matcher id = ID.matcher(line);
                    while (id.find()) {
                        if (!entries.containsKey(id.group())) {
                            unknown.add(relative + ":" + (i + 1) + " cites " + id.group() + ", which " + CATALOGUE
                                    + " lacks");
                        }
                        if (test) {
                            citedBy.computeIfAbsent(id.group(), k -> new TreeSet<>()).add(relative);
                        }
                    }
                    if (feature) {
                        Matcher tag = TAG.matcher(line);
                        while (tag.find()) {
                            citedBy.computeIfAbsent(tag.group(), k -> new TreeSet<>()).add(relative);
                        }
                    }
                    if (!name.equals("BehaviourTraceabilityTest.java")) { // its own examples are ranges
                        Matcher range = RANGE.matcher(line);
                        while (range.find()) {
                            ranges.add(relative + ":" + (i + 1) + " cites a range (" + range.group()
                                    + "): spell out every id");
                        }
                    }
                }
            }
            List<String> offences = new ArrayList<>();
            entries.forEach((id, status) -> {
                Set<String> citations = citedBy.getOrDefault(id, Set.of());
                switch (status) {
                    case "planned" -> { }
                    case "gap" -> {
                        if (!citations.isEmpty()) {
                            offences.add(id + " is marked 'Tests: none yet' but is cited by "
                                    + String.join(", ", citations) + ": list its tests");
                        }
                    }
                    default -> {
                        if (citations.isEmpty()) {
                            offences.add(id + " has no test class or scenario citing it");
                        }
                    }
                }
            });
            offences.addAll(unknown);
            offences.addAll(ranges);
            return offences;
        }

        /** Id → "planned", "gap" or "tested", in catalogue order; a repeated id is an error. */
        private static Map<String, String> entries(Path catalogue) {
            Map<String, String> entries = new LinkedHashMap<>();
            String current = null;
            for (String line : lines(catalogue)) {
                Matcher entry = ENTRY.matcher(line);
                if (entry.find()) {
                    current = entry.group(1);
                    if (entries.put(current, "tested") != null) {
                        throw new IllegalStateException(catalogue + " has two entries for " + current);
                    }
                } else if (current != null && line.startsWith("- Status: planned")) {
                    entries.put(current, "planned");
                } else if (current != null && line.startsWith("- Tests: none yet")) {
                    entries.put(current, "gap");
                }
            }
            if (entries.isEmpty()) {
                throw new IllegalStateException(catalogue + " has no '### B-xx' entry");
            }
            return entries;
        }

        /** The .java, .feature and .md files under root, outside build output and hidden directories. */
        private static List<Path> files(Path root) {
            try (Stream<Path> walk = Files.walk(root)) {
                return walk.filter(Files::isRegularFile)
                        .filter(p -> {
                            for (Path part : root.relativize(p.getParent() == null ? p : p.getParent())) {
                                String dir = part.toString();
                                if (SKIPPED_DIRECTORIES.contains(dir) || dir.startsWith(".")) {
                                    return false;
                                }
                            }
                            return true;
                        })
                        .filter(p -> {
                            String name = p.getFileName().toString();
                            return name.endsWith(".java") || name.endsWith(".feature") || name.endsWith(".md");
                        })
                        .sorted()
                        .toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static List<String> lines(Path file) {
            try {
                return Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(file.toString(), e);
            }
        }
    }
}
