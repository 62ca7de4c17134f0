package dev.mcpd.application.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpd.domain.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ContainerTextTest {

    private final Instant now = new ManualClock().instant();

    @Test
    void saysHowLongAgoLikeDocker() {
        assertThat(ContainerText.ago(now, now)).isEqualTo("Less than a second ago");
        assertThat(ContainerText.ago(now.minusSeconds(5), now)).isEqualTo("5 seconds ago");
        assertThat(ContainerText.ago(now.minusSeconds(90), now)).isEqualTo("About a minute ago");
        assertThat(ContainerText.ago(now.minus(Duration.ofMinutes(42)), now)).isEqualTo("42 minutes ago");
        assertThat(ContainerText.ago(now.minus(Duration.ofMinutes(70)), now)).isEqualTo("About an hour ago");
        assertThat(ContainerText.ago(now.minus(Duration.ofHours(30)), now)).isEqualTo("30 hours ago");
        assertThat(ContainerText.ago(now.minus(Duration.ofDays(3)), now)).isEqualTo("3 days ago");
        assertThat(ContainerText.ago(now.minus(Duration.ofDays(21)), now)).isEqualTo("3 weeks ago");
        assertThat(ContainerText.ago(now.minus(Duration.ofDays(100)), now)).isEqualTo("3 months ago");
        assertThat(ContainerText.ago(now.plusSeconds(3), now)).as("clock skew").isEqualTo("Less than a second ago");
    }

    @Test
    void printsSizesInSiUnitsWithThreeDigits() {
        assertThat(ContainerText.size(512)).isEqualTo("512B");
        assertThat(ContainerText.size(2_141_317)).isEqualTo("2.14MB");
        assertThat(ContainerText.size(77_800_000)).isEqualTo("77.8MB");
        assertThat(ContainerText.size(1_000_000_000)).isEqualTo("1GB");
    }
}
