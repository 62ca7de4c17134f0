package dev.mcpd.adapter.primary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpd.domain.model.ExitCode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code mcpd containers …} and {@code mcpd daemon …} over a recording backend: arguments sent, exit codes. */
class ContainersCommandTest {

    private final RecordingBackend backend = new RecordingBackend();
    private final StringWriter err = new StringWriter();

    @Test
    void keyValueOptionsBecomeObjectsInTheOrderGiven() {
        assertThat(run("containers", "run", "-e", "A=1", "-e", "B=x=y", "-e", "EMPTY", "--label", "app=web",
                "busybox", "sleep", "5")).isEqualTo(ExitCode.OK.code());
        assertThat(backend.calls).containsExactly(Map.entry("run_container", Map.of(
                "image", "busybox", "command", List.of("sleep", "5"), "env", Map.of("A", "1", "B", "x=y", "EMPTY", ""),
                "labels", Map.of("app", "web"), "init", false, "auto_remove", false)));
        assertThat(List.<Object>copyOf(((Map<?, ?>) backend.calls.getFirst().getValue().get("env")).keySet()))
                .containsExactly("A", "B", "EMPTY");
    }

    @Test
    void aLabelWithoutValueOnlyRequiresTheLabel() {
        run("containers", "ls", "-l", "team", "-l", "app=web");
        Map<?, ?> labels = (Map<?, ?>) backend.calls.getFirst().getValue().get("labels");
        assertThat(List.<Object>copyOf(labels.keySet())).containsExactly("team", "app");
        assertThat(labels.get("team")).isNull();
        assertThat(labels.get("app")).isEqualTo("web");
    }

    @Test
    void noDaemonReachedExitsWithItsOwnCodeAndSaysWhy() {
        backend.failure = new IOException("cannot start the daemon");
        assertThat(run("containers", "ls")).isEqualTo(ExitCode.NO_DAEMON_REACHED.code());
        assertThat(err.toString()).isEqualTo("mcpd containers ls: cannot start the daemon" + System.lineSeparator());
    }

    @Test
    void aDaemonCommandThatCannotReachTheDaemonFails() {
        backend.failure = new IOException("no answer");
        assertThat(run("daemon", "stop")).isEqualTo(ExitCode.FAILURE.code());
        assertThat(err.toString()).startsWith("mcpd daemon stop: no answer");
    }

    @Test
    void stopAndStatusWithNoDaemonRunningHaveNothingToActOn() {
        assertThat(run("daemon", "stop")).isEqualTo(ExitCode.NO_DAEMON_RUNNING.code());
        assertThat(run("daemon", "status")).isEqualTo(ExitCode.NO_DAEMON_RUNNING.code());
    }

    private int run(String... args) {
        CommandLine commandLine = McpdCommand.commandLine(backend, args);
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setOut(new PrintWriter(new StringWriter(), true));
        return commandLine.execute(args);
    }

    private static final class RecordingBackend implements CliBackend {
        final List<Map.Entry<String, Map<String, Object>>> calls = new ArrayList<>();
        IOException failure;

        @Override
        public Map<String, Object> callTool(String tool, Map<String, Object> arguments) throws IOException {
            if (failure != null) {
                throw failure;
            }
            calls.add(Map.entry(tool, arguments));
            return Map.of("content", List.of(Map.of("type", "text", "text", "ok")));
        }

        @Override
        public Optional<Long> daemonStop() throws IOException {
            if (failure != null) {
                throw failure;
            }
            return Optional.empty();
        }

        @Override
        public Optional<Map<String, Object>> daemonStatus() {
            return Optional.empty();
        }

        @Override
        public String version() {
            return "test";
        }

        @Override
        public int serveMcp(boolean noDaemon) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int serveMcp(boolean noDaemon, String connect, Path tokenFile) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int daemonRun() {
            throw new UnsupportedOperationException();
        }

        @Override
        public long daemonStart() {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<DoctorCheck> doctor() {
            throw new UnsupportedOperationException();
        }
    }
}
