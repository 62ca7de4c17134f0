package dev.mcpd.bootstrap.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpd.testing.McpdScope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real {@code mcpd} refuses a state dir it cannot trust, with an error that says what to do (review finding
 * 22), and a relative or {@code ~} {@code MCPD_STATE_DIR} as a configuration error (B-X2). Nothing is
 * started in such a directory.
 */
class StateDirHygieneIT {

    private McpdScope mcpd;

    @BeforeEach
    void harness() throws Exception {
        mcpd = ItScope.create();
    }

    @AfterEach
    void close() throws Exception {
        mcpd.close();
    }

    @Test
    void aStateDirWritableByOthersIsRefusedAndNothingIsWrittenThere() throws Exception {
        Path shared = Files.createDirectories(mcpd.stateDir().resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        mcpd.env("MCPD_STATE_DIR", shared.toString());

        McpdScope.Result run = mcpd.run(Duration.ofSeconds(30), "daemon", "run");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).contains(shared.toString()).contains("writable by other users").contains("chmod 700");
        try (var files = Files.list(shared)) {
            assertThat(files.map(p -> p.getFileName().toString())).doesNotContain("daemon.lock", "daemon.json");
        }
    }

    @Test
    void aSymbolicLinkAsStateDirIsRefused() throws Exception {
        Path real = Files.createDirectories(mcpd.stateDir().resolve("real"));
        Path link = Files.createSymbolicLink(mcpd.stateDir().resolve("link"), real);
        mcpd.env("MCPD_STATE_DIR", link.toString());

        McpdScope.Result run = mcpd.run(Duration.ofSeconds(30), "daemon", "run");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).contains(link.toString()).contains("symbolic link");
        try (var files = Files.list(real)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aTildeOrRelativeStateDirIsAConfigurationError() throws Exception {
        mcpd.env("MCPD_STATE_DIR", "~/mcpd-state");
        McpdScope.Result tilde = mcpd.run(Duration.ofSeconds(30), "daemon", "status");
        assertThat(tilde.exitCode()).isEqualTo(2);
        assertThat(tilde.stderr()).contains("MCPD_STATE_DIR='~/mcpd-state'").contains("absolute path");

        mcpd.env("MCPD_STATE_DIR", "mcpd-state");
        McpdScope.Result relative = mcpd.run(Duration.ofSeconds(30), "daemon", "status");
        assertThat(relative.exitCode()).isEqualTo(2);
        assertThat(relative.stderr()).contains("is relative");
        assertThat(McpdScope.repositoryRoot().resolve("mcpd-state")).doesNotExist();
        assertThat(McpdScope.repositoryRoot().resolve("~")).doesNotExist();
    }
}
