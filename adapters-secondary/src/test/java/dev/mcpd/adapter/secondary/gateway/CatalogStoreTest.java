package dev.mcpd.adapter.secondary.gateway;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpd.domain.model.gateway.ServerConfig;
import dev.mcpd.domain.model.gateway.SharingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cached catalog behind a complete first tools/list with nothing started (ADR 0016, decision 5). */
class CatalogStoreTest {

    @TempDir
    Path state;

    private static ServerConfig config(List<String> args, Duration idle) {
        return new ServerConfig("everything", "npx", args, Map.of("K", "v"), Optional.empty(), false,
                SharingMode.SHARED, idle, Duration.ofSeconds(60), List.of());
    }

    @Test
    void aCatalogKeptWithAConfigurationIsReadBackByTheSameConfigurationOnly() throws Exception {
        CatalogStore store = new CatalogStore(state.resolve("gateway/catalog"));
        ServerConfig config = config(List.of("-y", "@modelcontextprotocol/server-everything"), Duration.ofMinutes(10));
        byte[] catalog = "{\"tools\":[{\"name\":\"echo\"}]}".getBytes(UTF_8);

        assertThat(store.read(config)).isEmpty();
        store.write(config, catalog);

        assertThat(store.read(config)).hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(catalog));
        assertThat(store.read(config(List.of("-y", "@modelcontextprotocol/server-everything"), Duration.ofMinutes(1))))
                .as("a timeout does not change what the server offers").isPresent();
        assertThat(store.read(config(List.of("-y", "other-server"), Duration.ofMinutes(10))))
                .as("changed args: the catalog may be stale").isEmpty();
    }

    @Test
    void catalogsAreOwnerOnlyAndReplacedWhole() throws Exception {
        CatalogStore store = new CatalogStore(state.resolve("catalog"));
        ServerConfig config = config(List.of(), Duration.ofMinutes(10));

        store.write(config, "{\"tools\":[1]}".getBytes(UTF_8));
        store.write(config, "{\"tools\":[2]}".getBytes(UTF_8));

        try (var files = Files.list(state.resolve("catalog"))) {
            List<Path> all = files.toList();
            assertThat(all).hasSize(1);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(all.getFirst()))).isEqualTo("rw-------");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve("catalog"))))
                .isEqualTo("rwx------");
        assertThat(new String(store.read(config).orElseThrow(), UTF_8)).isEqualTo("{\"tools\":[2]}");
    }
}
