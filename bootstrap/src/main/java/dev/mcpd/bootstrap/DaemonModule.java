package dev.mcpd.bootstrap;

import static java.util.Objects.requireNonNull;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import dev.mcpd.adapter.primary.namedpipe.Kernel32PipeApi;
import dev.mcpd.adapter.primary.namedpipe.NamedPipeTransport;
import dev.mcpd.adapter.primary.namedpipe.PipeName;
import dev.mcpd.adapter.primary.tcp.TcpTransport;
import dev.mcpd.adapter.primary.unixsocket.UnixSocketTransport;
import dev.mcpd.adapter.primary.wire.JacksonJsonCodec;
import dev.mcpd.adapter.secondary.process.ProcessHandleLivenessProbe;
import dev.mcpd.adapter.secondary.process.SessionLeftoverProcesses;
import dev.mcpd.adapter.secondary.state.FileStateDirectory;
import dev.mcpd.application.daemon.Daemon;
import dev.mcpd.application.daemon.DaemonClientRegistry;
import dev.mcpd.application.daemon.DaemonIdentity;
import dev.mcpd.application.daemon.DaemonPorts;
import dev.mcpd.application.daemon.DaemonSettings;
import dev.mcpd.domain.model.AccessToken;
import dev.mcpd.domain.model.Pid;
import dev.mcpd.domain.port.ClientRegistry;
import dev.mcpd.domain.port.EngineFactory;
import dev.mcpd.domain.port.JsonCodec;
import dev.mcpd.domain.port.LivenessProbe;
import dev.mcpd.domain.port.StateDirectory;
import dev.mcpd.domain.port.Transport;
import dev.mcpd.domain.time.Ticker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Binds the daemon and its core adapters. Engine modules add {@link EngineFactory} bindings to the set. */
final class DaemonModule extends AbstractModule {

    private static final Logger log = LoggerFactory.getLogger(DaemonModule.class);
    /** How long a new daemon waits for the clients of a dead one to let go of the pipe name (Windows). */
    private static final Duration PIPE_CLAIM_WINDOW = Duration.ofSeconds(2);

    private final McpdConfig config;

    DaemonModule(McpdConfig config) {
        this.config = requireNonNull(config, "config is null");
    }

    @Override
    protected void configure() {
        Multibinder.newSetBinder(binder(), EngineFactory.class);
    }

    @Provides
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Provides
    @Singleton
    StateDirectory stateDirectory() {
        return new FileStateDirectory(config.stateDir());
    }

    @Provides
    @Singleton
    LivenessProbe livenessProbe() {
        return new ProcessHandleLivenessProbe();
    }

    @Provides
    @Singleton
    ClientRegistry clientRegistry() {
        return new DaemonClientRegistry();
    }

    @Provides
    @Singleton
    JsonCodec jsonCodec() {
        return new JacksonJsonCodec();
    }

    @Provides
    @Singleton
    List<Transport> transports(StateDirectory state) {
        // The platform's default first (B-T1): a named pipe on Windows, a Unix socket elsewhere. The other one is
        // listed too, so daemon_status and doctor show it with the reason it cannot run here.
        List<Transport> transports = new ArrayList<>();
        Transport pipe = new NamedPipeTransport(new Kernel32PipeApi(),
                PipeName.forStateDir(state.root(), System.getProperty("user.name", "")), PIPE_CLAIM_WINDOW);
        Transport unix = new UnixSocketTransport(state.socketPath());
        transports.addAll(pipe.availability().isAvailable() ? List.of(pipe, unix) : List.of(unix, pipe));
        config.tcp().listen().ifPresent(listen -> {
            if (!listen.isLoopbackOnly() && listen.tls().isEmpty()) {
                log.warn("TCP on {} is reachable from other machines without TLS: the token and every message cross the "
                        + "network in clear text; set MCPD_TCP_TLS_CERT and MCPD_TCP_TLS_KEY", listen);
            }
            transports.add(new TcpTransport(listen));
        });
        return List.copyOf(transports);
    }

    @Provides
    @Singleton
    DaemonSettings settings() {
        DaemonSettings d = DaemonSettings.DEFAULTS;
        return new DaemonSettings(config.idleTimeout(), d.checkInterval(), config.shutdownGrace(), config.callTimeout(),
                config.maxLineBytes(), d.toolsPageSize(), config.clientSweep(), config.maxIdle(), config.maxCallsPerClient(),
                config.admission());
    }

    @Provides
    @Singleton
    DaemonIdentity identity(LivenessProbe probe, StateDirectory state) {
        long pid = ProcessHandle.current().pid();
        Pid self = probe.identify(pid).orElse(Pid.unverified(pid));
        try {
            state.prepare();
            long uid = ((Number) Files.getAttribute(state.root(), "unix:uid")).longValue();
            // A fresh 256-bit token per start when TCP listens with token auth (B-T3); it goes to daemon.json only.
            AccessToken token = config.tcp().listen().isPresent()
                    ? AccessToken.generate(new SecureRandom()) : null;
            return new DaemonIdentity(BuildInfo.version(), self, uid, state.root().toString(), token);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the state dir " + state.root(), e);
        }
    }

    @Provides
    @Singleton
    Daemon daemon(DaemonIdentity identity, DaemonSettings settings, StateDirectory state, List<Transport> transports,
            Set<EngineFactory> engines, ClientRegistry registry, LivenessProbe probe, JsonCodec codec, Clock clock) {
        List<EngineFactory> ordered = new ArrayList<>(engines);
        ordered.sort(Comparator.comparing(EngineFactory::name));
        return new Daemon(identity, settings, new DaemonPorts(state, transports, ordered, registry, probe, codec,
                new SessionLeftoverProcesses(probe), clock, Ticker.system()));
    }
}
