package dev.mcpd.adapter.primary.connection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.PeerCredentials;
import dev.mcpd.domain.model.TransportKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StreamConnectionTest {

    private static final Endpoint ENDPOINT = new Endpoint(TransportKind.UNIX_SOCKET, "/tmp/test.sock");

    private final List<StreamConnection> told = new ArrayList<>();
    private final AtomicInteger transportCloses = new AtomicInteger();

    private final class Fake extends StreamConnection {
        private boolean broken;

        Fake() {
            super(ENDPOINT, new PeerCredentials(1000, 42), new ByteArrayInputStream(new byte[0]),
                    new ByteArrayOutputStream(), told::add);
        }

        Fake(Runnable[] closeOut) {
            super(ENDPOINT, PeerCredentials.unknown(), close -> {
                closeOut[0] = close;
                return InputStream.nullInputStream();
            }, close -> new ByteArrayOutputStream(), told::add);
        }

        @Override
        protected boolean transportOpen() {
            return !broken;
        }

        @Override
        protected void closeTransport() {
            transportCloses.incrementAndGet();
        }

        void peerClosed() {
            closedByPeer();
        }
    }

    @Test
    void closeClosesTheTransportAndTellsOnCloseOnceHoweverOftenItIsCalled() {
        Fake connection = new Fake();
        assertThat(connection.isOpen()).isTrue();

        connection.close();
        connection.close();

        assertThat(connection.isOpen()).isFalse();
        assertThat(transportCloses).hasValue(1);
        assertThat(told).containsExactly(connection);
    }

    @Test
    void aPeerCloseTellsOnCloseWithoutClosingTheTransportAndALaterCloseDoesNothing() {
        Fake connection = new Fake();

        connection.peerClosed();
        connection.close();

        assertThat(connection.isOpen()).isFalse();
        assertThat(transportCloses).hasValue(0);
        assertThat(told).containsExactly(connection);
    }

    @Test
    void aBreakTheTransportSeesMakesTheConnectionNotOpenBeforeAnyClose() {
        Fake connection = new Fake();

        connection.broken = true;

        assertThat(connection.isOpen()).isFalse();
        assertThat(told).isEmpty();
    }

    @Test
    void keepsItsEndpointPeerAndStreams() {
        Fake connection = new Fake();

        assertThat(connection.endpoint()).isEqualTo(ENDPOINT);
        assertThat(connection.peer()).isEqualTo(new PeerCredentials(1000, 42));
        assertThat(connection.input()).isSameAs(connection.input()).isNotNull();
        assertThat(connection.output()).isSameAs(connection.output()).isNotNull();
    }

    @Test
    void aStreamGivenTheConnectionsCloseClosesTheConnection() {
        Runnable[] close = new Runnable[1];
        Fake connection = new Fake(close);

        close[0].run();

        assertThat(connection.isOpen()).isFalse();
        assertThat(transportCloses).hasValue(1);
        assertThat(told).containsExactly(connection);
    }
}
