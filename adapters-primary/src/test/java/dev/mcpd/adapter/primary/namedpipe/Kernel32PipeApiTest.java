package dev.mcpd.adapter.primary.namedpipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpd.domain.model.Availability;
import dev.mcpd.domain.model.TransportKind;
import java.lang.foreign.MemoryLayout;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * {@link Kernel32PipeApi} where it cannot run: it says so as a value and never reaches native code (house rule 5).
 * Also the flag words and the {@code OVERLAPPED} layout it passes, against the values documented for the Win32 API.
 */
class Kernel32PipeApiTest {

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "checks the behaviour on an OS without kernel32.dll")
    void onThisOsItIsUnavailableWithAReasonAndMakesNoNativeCall() {
        Kernel32PipeApi api = new Kernel32PipeApi();
        Availability availability = api.availability();
        assertThat(availability.isAvailable()).isFalse();
        assertThat(availability.reason()).contains("Windows").contains(System.getProperty("os.name"))
                .contains("Unix socket");
        // Each call fails with the reason, not with a link error: the Kernel32 bindings were never initialised.
        String name = PipeName.PREFIX + "mcpd-test";
        assertThatThrownBy(() -> api.createInstance(name, true)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessage(availability.reason());
        assertThatThrownBy(() -> api.openClient(name)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> api.waitForInstance(name, Duration.ofMillis(1)))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(new Kernel32PipeApi().availability()).as("asking again still works").isEqualTo(availability);
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "checks the behaviour on an OS without kernel32.dll")
    void theTransportAndConnectorOnKernel32ReportTheSameReason() {
        NamedPipeTransport transport = new NamedPipeTransport(new Kernel32PipeApi(), PipeName.PREFIX + "mcpd-test");
        assertThat(transport.kind()).isEqualTo(TransportKind.NAMED_PIPE);
        assertThat(transport.availability()).isEqualTo(new Kernel32PipeApi().availability());
        transport.close(); // never started: nothing to release, and nothing thrown
    }

    @Test
    void availabilityFollowsTheOsName() {
        assertThat(new Kernel32PipeApi("Windows 11").availability().isAvailable()).isTrue();
        assertThat(new Kernel32PipeApi("Windows Server 2022").availability().isAvailable()).isTrue();
        assertThat(new Kernel32PipeApi("Mac OS X").availability().isAvailable()).isFalse();
    }

    @Test
    void theFlagWordsAreTheDocumentedWin32Values() {
        // CreateNamedPipeW dwOpenMode: PIPE_ACCESS_DUPLEX 0x3 | FILE_FLAG_OVERLAPPED 0x40000000
        //   | FILE_FLAG_FIRST_PIPE_INSTANCE 0x00080000 (B-T2: no squatting)
        assertThat(Kernel32PipeApi.openMode(true)).isEqualTo(0x40080003);
        assertThat(Kernel32PipeApi.openMode(false)).isEqualTo(0x40000003);
        // dwPipeMode: PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT (all 0) | PIPE_REJECT_REMOTE_CLIENTS 0x8 (B-T2)
        assertThat(Kernel32PipeApi.PIPE_MODE).isEqualTo(0x00000008);
        // CreateFileW: GENERIC_READ | GENERIC_WRITE; FILE_FLAG_OVERLAPPED | SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION
        assertThat(Kernel32PipeApi.CLIENT_ACCESS).isEqualTo(0xC0000000);
        assertThat(Kernel32PipeApi.CLIENT_FLAGS).isEqualTo(0x40110000);
        assertThat(Kernel32PipeApi.PIPE_UNLIMITED_INSTANCES).isEqualTo(255);
    }

    @Test
    void theOverlappedLayoutIsThe64BitWindowsOne() {
        // sizeof(OVERLAPPED) == 32 and offsetof(OVERLAPPED, hEvent) == 24 on x64 and arm64 Windows
        assertThat(Kernel32PipeApi.OVERLAPPED.byteSize()).isEqualTo(32);
        assertThat(Kernel32PipeApi.OVERLAPPED_EVENT).isEqualTo(24);
        assertThat(Kernel32PipeApi.OVERLAPPED.byteOffset(MemoryLayout.PathElement.groupElement("u"))).isEqualTo(16);
    }
}
