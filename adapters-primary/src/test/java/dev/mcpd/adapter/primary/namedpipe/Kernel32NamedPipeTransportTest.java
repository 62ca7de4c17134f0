package dev.mcpd.adapter.primary.namedpipe;

import static dev.mcpd.domain.testing.TestTime.millis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpd.domain.contract.TransportContract;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.PeerCredentials;
import dev.mcpd.domain.port.Connection;
import dev.mcpd.domain.port.Transport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * {@link NamedPipeTransport} and {@link NamedPipeConnector} on the real {@code kernel32.dll} calls, against the
 * transport contract (B-T1): runs only on Windows. Not run on the Linux machine this was written on.
 */
@EnabledOnOs(value = OS.WINDOWS, disabledReason = "named pipes and kernel32.dll exist only on Windows")
@DisplayName("NamedPipeTransport on Kernel32PipeApi (real Win32 named pipes, Windows only)")
class Kernel32NamedPipeTransportTest extends TransportContract {

    private final Kernel32PipeApi api = new Kernel32PipeApi();
    private final NamedPipeConnector connector = new NamedPipeConnector(api, millis(300));

    @Override
    protected Transport newTransport(Path dir) {
        return new NamedPipeTransport(api, PipeName.forStateDir(dir, System.getProperty("user.name", "")));
    }

    @Override
    protected java.util.List<String> pooledThreadPrefixes() {
        return java.util.List.of("pipe-io-"); // the blocking-call pool, PipeChannel.PLATFORM_THREADS; idle ones expire
    }

    @Override
    protected Peer connect(Endpoint endpoint) throws IOException {
        Connection connection = connector.connect(endpoint);
        return new Peer(connection.input(), connection.output(), connection::close);
    }

    @Test
    void thePeerPidIsThisProcess() throws Exception {
        BlockingQueue<PeerCredentials> seen = new LinkedBlockingQueue<>();
        Endpoint endpoint = transport.start(connection -> {
            seen.add(connection.peer());
            echoLines(connection);
        });
        try (Peer ignored = connect(endpoint)) {
            assertThat(seen.poll(5, TimeUnit.SECONDS).pid()).isEqualTo(ProcessHandle.current().pid());
        }
    }

    @Test
    void aSecondTransportOnTheSameNameIsRefused() throws Exception {
        Endpoint endpoint = transport.start(TransportContract::echoLines);
        NamedPipeTransport second = new NamedPipeTransport(api, endpoint.address());
        assertThatThrownBy(() -> second.start(TransportContract::echoLines)).isInstanceOf(PipeNameTakenException.class);
        assertThat(connectsAndIsServed(endpoint)).isTrue();
    }

    @Test
    void idlePeersOutnumberingTheCpusDoNotStarveANewClient() throws Exception {
        // Blocked downcalls pin virtual threads' carriers; PipeChannel.PLATFORM_THREADS hands them off (B-M8).
        int idleCount = Runtime.getRuntime().availableProcessors() + 2;
        CountDownLatch reading = new CountDownLatch(idleCount);
        Endpoint endpoint = transport.start(connection -> {
            write(connection, "{\"mcpd\":\"test\"}\n");
            reading.countDown();
            echoLines(connection);
        });
        List<Peer> idle = new ArrayList<>();
        try {
            for (int i = 0; i < idleCount; i++) {
                idle.add(connect(endpoint));
            }
            assertThat(reading.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(connectsAndIsServed(endpoint)).isTrue();
        } finally {
            for (Peer peer : idle) {
                peer.close();
            }
        }
    }
}
