package dev.mcpd.bootstrap;

import static java.util.Objects.requireNonNull;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.Stage;
import dev.mcpd.adapter.primary.cli.CliBackend;
import dev.mcpd.adapter.primary.stdio.HostStdio;
import dev.mcpd.adapter.primary.unixsocket.UnixSocketTransport;
import dev.mcpd.adapter.primary.wire.JacksonJsonCodec;
import dev.mcpd.adapter.secondary.process.ProcessDaemonLauncher;
import dev.mcpd.adapter.secondary.process.ProcessHandleLivenessProbe;
import dev.mcpd.adapter.secondary.state.FileStateDirectory;
import dev.mcpd.application.client.DaemonToolClient;
import dev.mcpd.application.daemon.Daemon;
import dev.mcpd.application.mcp.Json;
import dev.mcpd.application.proxy.Backoff;
import dev.mcpd.application.proxy.DaemonDialer;
import dev.mcpd.application.proxy.DaemonFinder;
import dev.mcpd.application.proxy.FixedDaemon;
import dev.mcpd.application.proxy.HostWatchdog;
import dev.mcpd.application.proxy.ProxySettings;
import dev.mcpd.application.proxy.StdioProxy;
import dev.mcpd.domain.model.AccessToken;
import dev.mcpd.domain.model.ClientDescription;
import dev.mcpd.domain.model.ClientHello;
import dev.mcpd.domain.model.Endpoint;
import dev.mcpd.domain.model.ExitCode;
import dev.mcpd.domain.port.DaemonLauncher;
import dev.mcpd.domain.port.JsonCodec;
import dev.mcpd.domain.port.StateDirectory;
import dev.mcpd.domain.time.Ticker;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * The composition root behind the command line. The proxy path ({@link #serveMcp}) is wired by hand so that Guice,
 * engines and the daemon's classes stay off its start-up path (ADR 0005); the daemon is built by Guice.
 */
final class McpdCli implements CliBackend {

    /**
     * Environment a proxy forwards in its hello for the backends of its own calls (B-G6). Per session: never given
     * to a daemon the proxy launches (review finding 8). {@code MCPD_HYPERD_PATH} is not here: the hyperd binary is
     * daemon-wide ({@link #DAEMON_SETTINGS}), and the daemon never read it from a hello.
     */
    static final List<String> FORWARDED_ENV = List.of("DOCKER_HOST", "MCPD_CONTAINER_HOST", "XDG_RUNTIME_DIR",
            "DOCKER_CONFIG", "CONTAINERS_CONF");

    /**
     * The daemon-wide settings (review finding 8, ADR 0012): a launched daemon gets them from the proxy or CLI that
     * launches it, and keeps them for every later session. A later proxy whose value differs says so in proxy.log.
     */
    static final List<String> DAEMON_SETTINGS = List.of("MCPD_ENGINES", "MCPD_HYPERD_PATH", "MCPD_LOG_LEVEL",
            "MCPD_DAEMON_IDLE_TIMEOUT", "MCPD_DAEMON_SHUTDOWN_GRACE", "MCPD_DAEMON_CALL_TIMEOUT", "MCPD_DAEMON_MAX_LINE",
            "MCPD_DAEMON_CLIENT_SWEEP", "MCPD_DAEMON_MAX_IDLE", "MCPD_DAEMON_MAX_CALLS_PER_CLIENT",
            "MCPD_DAEMON_HELLO_TIMEOUT", "MCPD_DAEMON_MAX_CONNECTIONS", "MCPD_DAEMON_LINE_BUDGET", "MCPD_TCP_LISTEN", "MCPD_TCP_AUTH", "MCPD_TCP_KEEPALIVE",
            "MCPD_TCP_TLS_CERT", "MCPD_TCP_TLS_KEY", "MCPD_TEST_PODMAN_SOCK", "MCPD_TEST_SKIP_PODMAN",
            "MCPD_TEST_TIME_MULTIPLIER");

    /** The process environment a launched daemon keeps besides its settings; {@code LC_*} too. */
    static final List<String> DAEMON_BASE_ENV = List.of("HOME", "PATH", "USER", "LOGNAME", "LANG", "TZ",
            "XDG_RUNTIME_DIR", "TMPDIR");

    /**
     * JVM flags of a spawned daemon: small heap, serial GC, native access for junixsocket. On OutOfMemoryError the JVM
     * SIGKILLs itself (exit status 137): {@code -XX:+ExitOnOutOfMemoryError} alone exits 3, the code of "another daemon
     * holds the lock" (review finding 17, ADR 0010); it stays as the fallback should the kill fail to start.
     */
    static final List<String> DAEMON_JVM_FLAGS = List.of("-XX:+UseSerialGC", "-Xms16m", "-Xmx512m", "-Xss512k",
            "-XX:OnOutOfMemoryError=kill -KILL %p", "-XX:+ExitOnOutOfMemoryError", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Dmcpd.role=daemon");

    /** The first wait before a proxy that lost its daemon looks for one again (B-G5); it doubles up to 10 s. */
    static final Duration RECONNECT_DELAY = Duration.ofMillis(200);

    private final McpdConfig config;

    /**
     * The daemon's JVM flags, plus a class-data-sharing archive beside the jar when running from one (the same
     * scheme as bin/mcpd's, recreated when the jar changes): a cold start is a proxy waiting for the daemon.
     */
    static List<String> daemonJvmFlags() {
        String classPath = System.getProperty("java.class.path", "");
        Path jar = Path.of(classPath);
        if (!classPath.endsWith(".jar") || classPath.contains(File.pathSeparator) || jar.getParent() == null) {
            return DAEMON_JVM_FLAGS;
        }
        Path archive = jar.toAbsolutePath().getParent().resolve("cds-daemon-run.jsa");
        try {
            if (Files.exists(archive)
                    && Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) < 0) {
                Files.delete(archive);
            }
        } catch (IOException e) {
            return DAEMON_JVM_FLAGS;
        }
        List<String> flags = new ArrayList<>(DAEMON_JVM_FLAGS);
        flags.addAll(List.of("-XX:SharedArchiveFile=" + archive, "-XX:+AutoCreateSharedArchive", "-Xlog:cds=off",
                "-Xlog:cds+dynamic=off"));
        return flags;
    }

    McpdCli(McpdConfig config) {
        this.config = requireNonNull(config, "config is null");
    }

    @Override
    public String version() {
        return BuildInfo.version();
    }

    /** Serves the host, then ends the process at once ({@link ProcessExit}); returns only in a test's JVM. */
    @Override
    public int serveMcp(boolean noDaemon) {
        HostStdio stdio = HostStdio.claim();
        JsonCodec codec = new JacksonJsonCodec();
        DaemonFinder finder = finder(codec, launcher(), config.connectTimeout());
        return runProxy(stdio, codec, () -> {
            DaemonFinder.Result result = finder.find();
            if (result instanceof DaemonFinder.Result.Found found) {
                DaemonSettingsCheck.start(found.link().hello().pid(), System.getenv());
            }
            return result;
        }, noDaemon, () -> null);
    }

    /**
     * {@code --connect}: the token is read again before every dial (review finding 9), so a proxy rejoins a daemon
     * that restarted with a new token in the same {@code --token-file} (B-G5). A file that cannot be read at start is
     * an error (exit 2); later, the last token read is kept and the failure logged.
     */
    @Override
    public int serveMcp(boolean noDaemon, String connect, Path tokenFile) {
        Endpoint endpoint;
        AccessToken first;
        try {
            endpoint = Endpoint.parse(connect);
            first = tokenFile != null ? TokenFile.read(tokenFile) : config.tcp().token().orElse(null);
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("mcpd serve: " + e.getMessage());
            return ExitCode.USAGE.code();
        }
        AtomicReference<AccessToken> lastToken = new AtomicReference<>(first);
        Supplier<AccessToken> token = tokenFile == null ? () -> first : () -> {
            try {
                lastToken.set(TokenFile.read(tokenFile));
            } catch (IllegalArgumentException | IOException e) {
                LoggerFactory.getLogger(McpdCli.class).info("keeping the last token: {}", e.getMessage());
            }
            return lastToken.get();
        };
        HostStdio stdio = HostStdio.claim();
        JsonCodec codec = new JacksonJsonCodec();
        FixedDaemon daemon = new FixedDaemon(new DaemonDialer(connectors(), codec, config.maxLineBytes()), endpoint,
                BuildInfo.version());
        return runProxy(stdio, codec, daemon, noDaemon, token);
    }

    private int runProxy(HostStdio stdio, JsonCodec codec, Supplier<DaemonFinder.Result> daemon,
            boolean noDaemon, Supplier<AccessToken> token) {
        boolean inProcess = noDaemon || config.noDaemon();
        ProcessExit.prepare();
        IntConsumer exit = code -> ProcessExit.now(code, stdio.out());
        ProxySettings settings = new ProxySettings(config.maxLineBytes(),
                inProcess ? Backoff.none() : Backoff.reconnect(RECONNECT_DELAY), forwardedEnvironment(),
                () -> clientHello(token.get()));
        StdioProxy proxy = new StdioProxy(
                () -> inProcess ? new DaemonFinder.Result.NotReachable("MCPD_NO_DAEMON is set") : daemon.get(),
                new LazyInProcessServer(() -> Engines.factories(config), config, codec), codec, settings, stdio.err(),
                new HostWatchdog(new ProcessHandleLivenessProbe(), config.hostPid(), HostWatchdog::currentParent,
                        config.ppidPoll(), config.startupTimeout()), exit, Ticker.system());
        // Hosts end their server with SIGINT (Claude Code) or SIGTERM (Gemini, Codex, opencode): close and exit at
        // once, with the shell's codes for those signals (hosts report section 3(b)).
        // A terminal's SIGHUP ends it too (129); a second signal while the first is handled changes nothing.
        Consumer<String> terminate = signal -> proxy.terminate(signal,
                (signal.endsWith("SIGINT") ? ExitCode.INTERRUPTED
                        : signal.endsWith("SIGHUP") ? ExitCode.HANGUP : ExitCode.TERMINATED).code());
        Signals.onTerminate(terminate, terminate);
        int code = proxy.run(stdio.in(), stdio.out());
        exit.accept(code);
        return code;
    }

    private Connectors connectors() {
        return new Connectors(config.tcp(), config.connectTimeout());
    }

    @Override
    public int daemonRun() {
        List<Module> modules = new ArrayList<>();
        modules.add(binder -> {
            binder.requireExplicitBindings();
            binder.disableCircularProxies();
            binder.requireAtInjectOnConstructors();
        });
        modules.add(new DaemonModule(config));
        modules.addAll(Engines.modules(config));
        Injector injector = Guice.createInjector(Stage.PRODUCTION, modules);
        Daemon daemon = injector.getInstance(Daemon.class);
        Signals.onTerminate(daemon::requestStop, daemon::forceStop);
        try {
            return daemon.run();
        } catch (IOException e) {
            System.err.println("mcpd daemon: " + e.getMessage());
            return ExitCode.FAILURE.code();
        }
    }

    @Override
    public long daemonStart() throws IOException {
        try (DaemonToolClient client = connect(true)) {
            return client.daemonPid();
        }
    }

    @Override
    public Optional<Long> daemonStop() throws IOException {
        try (DaemonToolClient client = connectIfRunning()) {
            if (client == null) {
                return Optional.empty();
            }
            client.callTool("daemon_stop", Json.object("reason", "mcpd daemon stop"));
            return Optional.of(client.daemonPid());
        }
    }

    @Override
    public Optional<Map<String, Object>> daemonStatus() throws IOException {
        try (DaemonToolClient client = connectIfRunning()) {
            if (client == null) {
                return Optional.empty();
            }
            Map<String, Object> result = client.callTool("daemon_status", Map.of());
            return Optional.ofNullable(Json.asObject(result.get("structuredContent")));
        }
    }

    @Override
    public Map<String, Object> callTool(String tool, Map<String, Object> arguments) throws IOException {
        try (DaemonToolClient client = connect(true)) {
            return client.callTool(tool, arguments);
        }
    }

    @Override
    public List<DoctorCheck> doctor() {
        return new Doctor(config, this).run();
    }

    /** A client of the running daemon, or null when none runs; never starts one. */
    private DaemonToolClient connectIfRunning() throws IOException {
        StateDirectory state = new FileStateDirectory(config.stateDir());
        if (state.readRecord().isEmpty()) {
            return null;
        }
        JsonCodec codec = new JacksonJsonCodec();
        // Admin commands talk to a daemon of any build: the admin tools are stable, and a daemon of an older
        // build must still be stoppable (B-W5).
        return switch (finder(codec, () -> {}, Duration.ofSeconds(2)).find()) {
            case DaemonFinder.Result.Found found -> new DaemonToolClient(found.link(), codec, clientHello());
            case DaemonFinder.Result.VersionMismatch other -> new DaemonToolClient(other.link(), codec, clientHello());
            case DaemonFinder.Result.NotReachable notReachable -> null;
        };
    }

    DaemonToolClient connect(boolean launch) throws IOException {
        JsonCodec codec = new JacksonJsonCodec();
        DaemonFinder.Result result = finder(codec, launch ? launcher() : () -> {}, config.connectTimeout()).find();
        return switch (result) {
            case DaemonFinder.Result.Found found -> new DaemonToolClient(found.link(), codec, clientHello());
            case DaemonFinder.Result.VersionMismatch mismatch -> {
                mismatch.link().connection().close();
                throw new IOException("the running daemon (pid "
                    + mismatch.hello().pid() + ") is version " + mismatch.hello().version() + ", this mcpd is "
                        + BuildInfo.version() + "; stop it with `mcpd daemon stop` and try again");
            }
            case DaemonFinder.Result.NotReachable notReachable -> throw new IOException(
                    "no daemon could be reached: " + notReachable.reason() + "; see " + config.stateDir().resolve("daemon.log"));
        };
    }

    private DaemonFinder finder(JsonCodec codec, DaemonLauncher launcher, Duration timeout) {
        return new DaemonFinder(new FileStateDirectory(config.stateDir()), new ProcessHandleLivenessProbe(),
                connectors(), launcher, codec, new DaemonFinder.Settings(BuildInfo.version(), timeout, config.maxLineBytes()),
                Ticker.system());
    }

    DaemonLauncher launcher() {
        return new ProcessDaemonLauncher(ProcessDaemonLauncher.sameJvm(Main.class.getName(), daemonJvmFlags(),
                List.of("daemon", "run")), config.stateDir().resolve("daemon.log"),
                daemonEnvironment(System.getenv(), config.stateDir()));
    }

    /**
     * The whole environment of a daemon this process launches (review finding 8, ADR 0012): the process basics
     * ({@link #DAEMON_BASE_ENV}, {@code LC_*}), the daemon-wide settings that are set ({@link #DAEMON_SETTINGS}), and
     * the state dir as an absolute path. No per-session variable ({@code DOCKER_HOST}, {@code MCPD_CONTAINER_HOST},
     * ...): those come with each client's hello.
     */
    static Map<String, String> daemonEnvironment(Map<String, String> env, Path stateDir) {
        Map<String, String> daemon = new TreeMap<>();
        env.forEach((key, value) -> {
            if (DAEMON_BASE_ENV.contains(key) || key.startsWith("LC_") || DAEMON_SETTINGS.contains(key)) {
                daemon.put(key, value);
            }
        });
        daemon.put("MCPD_STATE_DIR", stateDir.toAbsolutePath().toString());
        return daemon;
    }

    /**
     * The hello of a one-shot command ({@code mcpd daemon status}, {@code mcpd containers ls}): marked with the role
     * {@code cli}, so {@code daemon_status} does not count it among the sessions it reports (ADR 0011).
     */
    ClientHello clientHello() {
        ClientHello proxy = clientHello(null);
        return new ClientHello(proxy.pid(), proxy.hostPid(), proxy.env(), null, ClientDescription.ROLE_CLI);
    }

    /** The proxy's hello (B-W2), with the TCP token when it has one (B-T3). */
    ClientHello clientHello(AccessToken token) {
        Long hostPid = config.hostPid() != null ? config.hostPid()
                : ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(null);
        return new ClientHello(ProcessHandle.current().pid(), hostPid, forwardedEnvironment(),
                token == null ? null : token.text());
    }

    private static Map<String, String> forwardedEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String key : FORWARDED_ENV) {
            String value = System.getenv(key);
            if (value != null) {
                env.put(key, value);
            }
        }
        return env;
    }

    McpdConfig config() {
        return config;
    }

    static boolean unixSocketUsable(McpdConfig config) {
        return new UnixSocketTransport(config.stateDir().resolve("daemon.sock")).availability().isAvailable();
    }
}
