package dev.mcpd.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpd.application.daemon.Daemon;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The spawned daemon's JVM flags, run for real (review finding 17, ADR 0010): a JVM that runs out of heap with them
 * dies by its own SIGKILL (status 137), never with 3, which means "another daemon holds the lock".
 */
class DaemonJvmFlagsTest {

    /** Allocates until the heap is gone. */
    public static final class Hog {
        public static void main(String[] args) {
            List<long[]> held = new ArrayList<>();
            while (true) {
                held.add(new long[1 << 20]);
            }
        }
    }

    @Test
    void outOfMemoryEndsTheDaemonJvmWithSigkillNotTheLockCode() throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(McpdCli.DAEMON_JVM_FLAGS);
        command.add("-Xmx24m"); // the last -Xmx wins: a small heap fills fast
        command.addAll(List.of("-cp", Path.of(Hog.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString(),
                Hog.class.getName()));
        Process jvm = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(jvm.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);

        assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(jvm.exitValue()).as("output: %s", output).isEqualTo(128 + 9).isNotEqualTo(Daemon.EXIT_ALREADY_RUNNING);
        assertThat(output).contains("OutOfMemoryError");
    }
}
