package dev.mcpd.adapter.secondary.hyperd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The real hyperd the tests run against: {@code MCPD_HYPERD_PATH} (scripts/test.sh exports what
 * scripts/setup-hyperd.sh fetched), else the usual places. Under CI ({@code CI=true}) a missing hyperd fails the test;
 * elsewhere it skips it, saying how to get one.
 */
final class RealHyperd {

    private RealHyperd() {}

    static Path binary() {
        HyperdBinaryLocator.Located located = HyperdBinaryLocator.system();
        Optional<Path> binary = located.binary();
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            assertThat(binary).as("hyperd is required under CI: %s", located.whyMissing()).isPresent();
        }
        assumeTrue(binary.isPresent(), located.whyMissing());
        return binary.orElseThrow();
    }
}
