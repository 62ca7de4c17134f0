package dev.mcpd.bootstrap;

import dev.mcpd.adapter.primary.cli.McpdCommand;
import dev.mcpd.domain.error.ConfigurationException;
import dev.mcpd.domain.model.ExitCode;
import org.slf4j.LoggerFactory;

/**
 * The {@code mcpd} entry point: reads the configuration, points logging at the right place for the command, and
 * runs the command line. The proxy ({@code serve --mcp}) logs to {@code proxy.log} and never to stderr (B-G7).
 */
public final class Main {

    private Main() {}

    /** {@code serve --mcp} or {@code serve --mcp --no-daemon}, exactly. */
    static boolean isPlainServe(String[] args) {
        return (args.length == 2 || (args.length == 3 && "--no-daemon".equals(args[2])))
                && "serve".equals(args[0]) && "--mcp".equals(args[1]);
    }

    public static void main(String[] args) {
        McpdConfig config;
        try {
            config = McpdConfig.fromEnvironment(System.getenv());
        } catch (ConfigurationException e) {
            System.err.println("mcpd: " + e.getMessage());
            System.exit(ExitCode.USAGE.code());
            return;
        }
        String command = args.length == 0 ? "" : args[0];
        boolean longRunning = "serve".equals(command) || (args.length > 1 && "daemon".equals(command) && "run".equals(args[1]));
        // Commands people type log warnings only; the proxy and the daemon log at the configured level.
        System.setProperty("mcpd.log.level", longRunning ? config.logLevel() : "warn");
        if ("serve".equals(command)) {
            System.setProperty("mcpd.log.file", config.stateDir().resolve("proxy.log").toString());
        }
        McpdCli cli = new McpdCli(config);
        // The proxy's start-up is a hot path (a host starts one per session): picocli's model building, about
        // 150 ms, is skipped for the exact forms a host uses. Every other form goes through picocli (ADR 0005).
        if (isPlainServe(args)) {
            // Logging starts on the second core while this thread finds the daemon. Lines logged meanwhile are
            // replayed by SLF4J once it is ready; its notice about that must not reach stderr (B-G7).
            System.setProperty("slf4j.internal.verbosity", "ERROR");
            Thread.ofPlatform().daemon().name("log-init").start(LoggerFactory::getILoggerFactory);
            System.exit(cli.serveMcp(args.length == 3));
        }
        int code = McpdCommand.commandLine(cli, args).execute(args);
        System.exit(code);
    }
}
