package dev.mcpd.adapter.secondary.hyperd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpd.domain.model.hyperd.TableRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Names, socket paths and the binary search of the hyperd adapter. */
class HyperdHelpersTest {

    @TempDir
    Path dir;

    @Test
    void tableNamesFoldUnquotedPartsAndQualifyInMain() {
        assertThat(SqlNames.table("Sales")).isEqualTo(new TableRef("main", "public", "sales"));
        assertThat(SqlNames.table("s.t")).isEqualTo(new TableRef("main", "s", "t"));
        assertThat(SqlNames.table("shop.public.\"My \"\"T\"\"\"")).isEqualTo(new TableRef("shop", "public", "My \"T\""));
        assertThat(SqlNames.qualified(SqlNames.table("x"))).isEqualTo("\"main\".\"public\".\"x\"");
        assertThatThrownBy(() -> SqlNames.table("a b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SqlNames.table("a.b.c.d")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SqlNames.alias("main")).hasMessageContaining("main");
        assertThatThrownBy(() -> SqlNames.alias("x;drop")).hasMessageContaining("plain name");
    }

    @Test
    void pgjdbcGoesToHyperdsUnixSocketAndNeverOverTcp() { // review finding 1, ADR 0013
        Path socket = dir.resolve("run/1/.s.PGSQL.1");
        Properties properties = HyperdPool.connectionProperties(socket);
        assertThat(properties.getProperty("socketFactory")).isEqualTo("org.newsclub.net.unix.AFUNIXSocketFactory$FactoryArg");
        assertThat(properties.getProperty("socketFactoryArg")).isEqualTo(socket.toString());
        assertThat(properties.getProperty("password")).isNull();
    }

    @Test
    void aSocketDirectoryHyperdCannotNameFallsBackToAShortOne() { // B-T2, ADR 0013
        assertThat(SocketDirectory.usableForHyperd(Path.of("/tmp/mcpd-x/hyperd/run/123"))).isTrue();
        assertThat(SocketDirectory.usableForHyperd(Path.of("/tmp/" + "d".repeat(90)))).as("too long for sun_path").isFalse();
        assertThat(SocketDirectory.usableForHyperd(Path.of("/home/u/domain/state"))).as("hyperd splits at /domain/").isFalse();
        assertThat(SocketDirectory.usableForHyperd(Path.of("/home/u/domain"))).isFalse();
        assertThat(SocketDirectory.usableForHyperd(Path.of("/home/u/a,b"))).as("a listen list is comma-separated").isFalse();
        assertThat(HyperdLaunch.descriptor(Path.of("/tmp/x"), ".s.PGSQL.1")).isEqualTo("tab.domain:///tmp/x/domain/.s.PGSQL.1");
    }

    @Test
    void findsHyperdWhereToldAndSaysWhereItLooked() throws Exception {
        Path binary = dir.resolve("bin/hyperd");
        Files.createDirectories(binary.getParent());
        Files.writeString(binary, "#!/bin/sh\n");
        binary.toFile().setExecutable(true);
        assertThat(HyperdBinaryLocator.locate(Map.of("MCPD_HYPERD_PATH", binary.getParent().toString())).binary())
                .contains(binary.toAbsolutePath());
        HyperdBinaryLocator.Located none = HyperdBinaryLocator.locate(Map.of("HOME", dir.toString(), "PATH", "/nonexistent"));
        assertThat(none.binary()).isEmpty();
        assertThat(none.whyMissing()).contains(dir + "/.cache/mcpd/hyperd/*/package/hyperd").contains("PATH")
                .contains("MCPD_HYPERD_PATH");
        Path cached = dir.resolve(".cache/mcpd/hyperd/pkg-1/package/hyperd");
        Files.createDirectories(cached.getParent());
        Files.copy(binary, cached);
        cached.toFile().setExecutable(true);
        assertThat(HyperdBinaryLocator.locate(Map.of("HOME", dir.toString(), "PATH", "")).binary()).contains(cached);
    }

    @Test
    void recognisesReadOnlyStatementsByTheirFirstKeyword() {
        assertThat(ReadOnlySql.firstKeyword("  -- why\n/* c */ (SELECT 1)")).isEqualTo("select");
        assertThat(ReadOnlySql.firstKeyword("WITH x AS (SELECT 1) SELECT * FROM x")).isEqualTo("with");
        assertThat(ReadOnlySql.firstKeyword("insert into t values (1)")).isEqualTo("insert");
    }
}
