package dev.mcpd.bootstrap;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The build's version, from {@code mcpd-build.properties} (filtered by Maven at build time). It includes the build
 * timestamp, so two builds of one version never pass for the same build (B-W5).
 */
public final class BuildInfo {

    private static final String VERSION = load();

    private BuildInfo() {}

    public static String version() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = BuildInfo.class.getResourceAsStream("/mcpd-build.properties")) {
            if (in == null) {
                return "dev";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "dev") + "+" + p.getProperty("timestamp", "0");
        } catch (IOException e) {
            return "dev";
        }
    }
}
