package dev.mcpd.bootstrap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a session when it asks for daemon-wide settings that the running daemon does not have (review finding 8,
 * ADR 0012). The daemon keeps the settings of whoever started it ({@link McpdCli#DAEMON_SETTINGS}); a proxy whose
 * own value of one of them differs writes one line to proxy.log naming each difference and how to apply its own.
 * Nothing goes to stderr (B-G7). The daemon's values are read from {@code /proc/<pid>/environ} (Linux, same user);
 * where that cannot be read, nothing is said.
 */
final class DaemonSettingsCheck {

    private static final Logger log = LoggerFactory.getLogger(DaemonSettingsCheck.class);

    /** The daemon last compared with: a proxy that rejoins the same daemon says nothing new. */
    private static final AtomicLong lastChecked = new AtomicLong();

    private DaemonSettingsCheck() {}

    /** Compares on a virtual thread, off the session's start-up path; once per daemon pid. */
    static void start(long daemonPid, Map<String, String> ours) {
        if (lastChecked.getAndSet(daemonPid) == daemonPid) {
            return;
        }
        Thread.ofVirtual().name("daemon-settings-check").start(() -> {
            try {
                List<String> differences = differences(ours, environmentOf(daemonPid));
                if (!differences.isEmpty()) {
                    log.warn("this session's daemon-wide settings differ from those of the running daemon pid {}, which"
                            + " keeps the settings it was started with: {}; to apply this session's, stop the daemon"
                            + " (mcpd daemon stop) and the next session starts one with them", daemonPid,
                            String.join(", ", differences));
                }
            } catch (IOException | RuntimeException e) {
                log.debug("could not compare settings with daemon pid {}: {}", daemonPid, e.toString());
            }
        });
    }

    /** Each daemon-wide key whose value differs, as {@code KEY=ours (daemon: theirs)}; unset reads "unset". */
    static List<String> differences(Map<String, String> ours, Map<String, String> daemons) {
        List<String> differences = new ArrayList<>();
        for (String key : McpdCli.DAEMON_SETTINGS) {
            String mine = ours.get(key);
            String theirs = daemons.get(key);
            if (!Objects.equals(mine, theirs)) {
                differences.add(key + "=" + (mine == null ? "unset" : mine) + " (daemon: " + (theirs == null ? "unset" : theirs) + ")");
            }
        }
        return differences;
    }

    /** The environment {@code pid} was started with, from {@code /proc/<pid>/environ}. */
    static Map<String, String> environmentOf(long pid) throws IOException {
        String raw = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ")), StandardCharsets.UTF_8);
        Map<String, String> env = new HashMap<>();
        for (String entry : raw.split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return env;
    }
}
