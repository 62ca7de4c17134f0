package dev.mcpd.adapter.secondary.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mcpd.domain.testing.TestTime;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The gateway keeper against real process trees (ADR 0016, decision 1): when its pipe closes — as the kernel closes it
 * when the daemon dies, SIGKILL included — every watched group is gone within the grace period plus a scan, including
 * processes that ignore SIGTERM and a grandchild that left its group. The daemon-SIGKILL end-to-end test comes with
 * the gateway engine that wires the keeper in.
 */
@EnabledOnOs(OS.LINUX)
class ChildKeeperTest {

    private static final Duration GONE_WITHIN = TestTime.scaled(Duration.ofSeconds(5));

    private final String scope = "test-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<ProcessHandle> started = new ArrayList<>();
    private ChildKeeper keeper;

    @AfterEach
    void cleanUp() {
        if (keeper != null) {
            keeper.close();
        }
        started.forEach(p -> {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        });
    }

    /** A process group led by a {@code sh} (pgid = its pid) running {@code script}, with this test's scope marker. */
    private ProcessHandle group(String script) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("setsid", "sh", "-c", script)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(Map.of(ChildKeeper.SCOPE_VARIABLE, scope));
        ProcessHandle leader = builder.start().toHandle();
        started.add(leader);
        return leader;
    }

    private static List<ProcessHandle> tree(ProcessHandle leader, int atLeast) {
        await().atMost(TestTime.scaled(Duration.ofSeconds(10)))
                .until(() -> leader.descendants().count() >= atLeast);
        List<ProcessHandle> all = new ArrayList<>(leader.descendants().toList());
        all.add(leader);
        return all;
    }

    @Test
    @DisplayName("a watched group whose processes ignore SIGTERM is SIGKILLed after the grace when the pipe closes")
    void aWatchedGroupIsEndedWhenThePipeCloses() throws Exception {
        keeper = ChildKeeper.start(scope, Duration.ofSeconds(1));
        ProcessHandle leader = group("trap '' TERM; sleep 600 & sleep 600 & wait");
        List<ProcessHandle> tree = tree(leader, 2);
        keeper.watch(leader.pid());

        keeper.close();

        await().atMost(GONE_WITHIN).until(() -> tree.stream().noneMatch(ProcessHandle::isAlive));
        await().atMost(GONE_WITHIN).until(() -> !keeper.isAlive());
    }

    @Test
    @DisplayName("a grandchild that left its group is found by the scope variable in its environment")
    void aGrandchildThatLeftItsGroupIsFoundByItsScopeVariable() throws Exception {
        keeper = ChildKeeper.start(scope, Duration.ofSeconds(1));
        ProcessHandle leader = group("setsid sleep 600 & sleep 600 & wait");
        List<ProcessHandle> tree = tree(leader, 2);
        assertThat(tree).anySatisfy(p -> assertThat(p.pid()).isNotEqualTo(leader.pid())); // the escaped sleep
        keeper.watch(leader.pid());

        keeper.close();

        await().atMost(GONE_WITHIN).until(() -> tree.stream().noneMatch(ProcessHandle::isAlive));
    }

    @Test
    @DisplayName("a group forgotten after an orderly stop is left alone")
    void aForgottenGroupIsLeftAlone() throws Exception {
        keeper = ChildKeeper.start("other-" + scope, Duration.ofSeconds(1));
        ProcessHandle leader = group("sleep 600 & wait");
        List<ProcessHandle> tree = tree(leader, 1);
        keeper.watch(leader.pid());
        keeper.forget(leader.pid());

        keeper.close();

        await().atMost(GONE_WITHIN).until(() -> !keeper.isAlive());
        assertThat(tree).allMatch(ProcessHandle::isAlive);
    }

    @Test
    void aScopeIdThatCouldBreakTheScanIsRefused() {
        assertThatThrownBy(() -> ChildKeeper.start("a b;rm", Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scope id");
    }
}
