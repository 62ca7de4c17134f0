package dev.mcpd.bootstrap;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The hexagon's dependency rules (ADR 0002). Each rule fails the build when a layer leaks. */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        // Production classes only: neither test-classes directories nor the domain's test-jar (contracts, fakes).
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("dev.mcpd");
    }

    @Test
    void domainUsesOnlyTheJdk() {
        ArchRule rule = noClasses().that().resideInAPackage("dev.mcpd.domain..")
                .should().dependOnClassesThat().resideOutsideOfPackages("java..", "dev.mcpd.domain..")
                .because("the domain is an SPI of JDK types only (STYLE rule 1)");
        rule.check(classes);
    }

    @Test
    void applicationIsFrameworkFree() {
        ArchRule rule = noClasses().that().resideInAPackage("dev.mcpd.application..")
                .should().dependOnClassesThat().resideInAnyPackage("com.google.inject..", "jakarta.inject..",
                        "javax.inject..", "io.vertx..", "io.netty..", "com.fasterxml.jackson..", "com.github.dockerjava..",
                        "java.sql..", "org.newsclub..", "picocli..")
                .because("the application ring is plain Java (STYLE rule 2)");
        rule.check(classes);
    }

    @Test
    void applicationTakesTimeFromAnInjectedTickerAndNeverSleeps() {
        DescribedPredicate<JavaMethodCall> readsTheClockOrSleeps = DescribedPredicate.describe(
                "System.nanoTime, System.currentTimeMillis or Thread.sleep",
                call -> call.getTargetOwner().isEquivalentTo(System.class)
                                && Set.of("nanoTime", "currentTimeMillis").contains(call.getName())
                        || call.getTargetOwner().isEquivalentTo(Thread.class) && call.getName().equals("sleep"));
        ArchRule rule = noClasses().that().resideInAPackage("dev.mcpd.application..")
                .should().callMethodWhere(readsTheClockOrSleeps)
                .because("time is injected (dev.mcpd.domain.time.Ticker, java.time.Clock) and waits are on a Condition, "
                        + "a latch or a future, so tests move time instead of sleeping (STYLE rule 10)");
        rule.check(classes);
    }

    @Test
    void applicationDoesNotDependOnAdaptersOrBootstrap() {
        noClasses().that().resideInAnyPackage("dev.mcpd.domain..", "dev.mcpd.application..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.mcpd.adapter..", "dev.mcpd.bootstrap..")
                .check(classes);
    }

    @Test
    void primaryAndSecondaryAdaptersDoNotKnowEachOther() {
        noClasses().that().resideInAPackage("dev.mcpd.adapter.primary..")
                .should().dependOnClassesThat().resideInAPackage("dev.mcpd.adapter.secondary..")
                .check(classes);
        noClasses().that().resideInAPackage("dev.mcpd.adapter.secondary..")
                .should().dependOnClassesThat().resideInAPackage("dev.mcpd.adapter.primary..")
                .check(classes);
    }

    @Test
    void onlyTheStdioAndCliAdaptersTouchStandardInAndOut() {
        noClasses().that().resideOutsideOfPackages("dev.mcpd.adapter.primary.stdio..", "dev.mcpd.adapter.primary.cli..")
                .should().accessField(System.class, "out")
                .orShould().accessField(System.class, "in")
                .because("stdout is the MCP channel (B-G7, STYLE rule 15)")
                .check(classes);
    }

    @Test
    void eachBackendLibraryStaysInItsAdapter() {
        noClasses().that().resideOutsideOfPackage("dev.mcpd.adapter.primary.tcp..")
                .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.netty..")
                .check(classes);
        noClasses().that().resideOutsideOfPackage("dev.mcpd.adapter.primary.namedpipe..")
                .and().doNotHaveFullyQualifiedName("dev.mcpd.bootstrap.ProcessExit")
                .should().dependOnClassesThat().resideInAPackage("java.lang.foreign..")
                .because("native calls (FFM) are confined to the named-pipe adapter (ADR 0008) and the proxy's _exit"
                        + " (ProcessExit, ADR 0012)")
                .check(classes);
        noClasses().that().resideOutsideOfPackage("dev.mcpd.adapter.secondary.hyperd..")
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..", "org.postgresql..",
                        "com.zaxxer.hikari..")
                .check(classes);
        noClasses().that().resideOutsideOfPackages("dev.mcpd.adapter.secondary.container..")
                .should().dependOnClassesThat().resideInAPackage("com.github.dockerjava..")
                .check(classes);
        noClasses().that().resideOutsideOfPackages("dev.mcpd.adapter.primary.unixsocket..",
                        "dev.mcpd.adapter.secondary.hyperd..")
                .should().dependOnClassesThat().resideInAPackage("org.newsclub..")
                .because("junixsocket serves the Unix-socket transport, and hyperd's Unix-domain endpoint: pgjdbc "
                        + "needs a java.net.Socket there, which the JDK's Unix-domain channels cannot give, and the "
                        + "callback's peer pid comes from SO_PEERCRED (ADR 0013, review findings 1 and 15)")
                .check(classes);
    }

    @Test
    void guiceStaysInTheCompositionRoot() {
        noClasses().that().resideOutsideOfPackage("dev.mcpd.bootstrap..")
                .should().dependOnClassesThat().resideInAnyPackage("com.google.inject..")
                .check(classes);
    }
}
