package dev.mcpd.bootstrap;

import dev.mcpd.adapter.primary.cli.McpdCommand;
import dev.mcpd.domain.error.ConfigurationException;

/**
 * The {@code mcpd} entry point: reads the configuration, points logging at the right place for the command, and
 * runs the command line. The proxy ({@code serve --mcp}) logs to {@code proxy.log} and never to stderr (B-G7).
 */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        McpdConfig config;
        try {
            config = McpdConfig.fromEnvironment(System.getenv());
        } catch (ConfigurationException e) {
            System.err.println("mcpd: " + e.getMessage());
            System.exit(2);
            return;
        }
        String command = args.length == 0 ? "" : args[0];
        System.setProperty("mcpd.log.level", "serve".equals(command) || "daemon".equals(command) ? config.logLevel() : "warn");
        if ("serve".equals(command)) {
            System.setProperty("mcpd.log.file", config.stateDir().resolve("proxy.log").toString());
        }
        int code = McpdCommand.commandLine(new McpdCli(config)).execute(args);
        System.exit(code);
    }
}
