package dev.mcpd.adapter.primary.namedpipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PipeName}: the pipe name derived from a scope's state dir (its invariants 1-4, B-T2, B-S6). */
class PipeNameTest {

    @TempDir
    Path dir;

    @Test
    void theNameIsThePipePrefixTheUserAndAHashOfTheStateDir() {
        String name = PipeName.forStateDir(dir, "alice");
        assertThat(name).matches("\\\\\\\\\\.\\\\pipe\\\\mcpd-alice-[0-9a-f]{16}");
        assertThat(PipeName.requireValid(name)).isEqualTo(name);
    }

    @Test
    void theHashIsTheFirst64BitsOfSha256OverTheLowerCasedAbsolutePath() {
        // pins the derivation: a daemon and a proxy of one build must agree on it (invariant 1)
        assertThat(PipeName.forStateDir(Path.of("/var/lib/mcpd"), "alice"))
                .isEqualTo("\\\\.\\pipe\\mcpd-alice-a9487ee96943fc7b");
    }

    @Test
    void differentSpellingsOfOneDirectoryNameOneScope() {
        String plain = PipeName.forStateDir(dir, "alice");
        assertThat(PipeName.forStateDir(dir.resolve(".").resolve("sub").resolve(".."), "alice")).isEqualTo(plain);
        // Windows paths are case-insensitive (invariant 2)
        assertThat(PipeName.forStateDir(Path.of(dir.toString().toUpperCase()), "alice")).isEqualTo(plain);
    }

    @Test
    void differentStateDirsNameDifferentPipes() {
        assertThat(PipeName.forStateDir(dir.resolve("project-a"), "alice"))
                .isNotEqualTo(PipeName.forStateDir(dir.resolve("project-b"), "alice"));
    }

    @Test
    void theUserPartIsSanitisedAndBounded() {
        assertThat(PipeName.forStateDir(dir, "CORP\\Alice Smith")).contains("\\mcpd-corp_alice_smith-");
        assertThat(PipeName.forStateDir(dir, "Zoë")).contains("\\mcpd-zo_-");
        assertThat(PipeName.forStateDir(dir, "  ")).contains("\\mcpd-user-");
        String longUser = PipeName.forStateDir(dir, "x".repeat(300));
        assertThat(longUser).contains("\\mcpd-" + "x".repeat(32) + "-");
        assertThat(longUser.length()).isLessThanOrEqualTo(PipeName.MAX_LENGTH);
        assertThat(PipeName.requireValid(longUser)).isEqualTo(longUser);
    }

    @Test
    void invalidNamesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> PipeName.requireValid("/tmp/daemon.sock")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("starts with");
        assertThatThrownBy(() -> PipeName.requireValid(PipeName.PREFIX)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("non-empty");
        assertThatThrownBy(() -> PipeName.requireValid(PipeName.PREFIX + "a\\b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without backslashes");
        assertThatThrownBy(() -> PipeName.requireValid(PipeName.PREFIX + "x".repeat(PipeName.MAX_LENGTH)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 256");
        assertThat(PipeName.requireValid("\\\\.\\PIPE\\Mixed-Case")).isEqualTo("\\\\.\\PIPE\\Mixed-Case");
    }
}
