package dev.mcpd.adapter.secondary.state;

/** Prints {@link FileStateDirectory#defaultRoot()} as seen by a JVM started with a given environment. */
public final class DefaultRootMain {

    private DefaultRootMain() {}

    public static void main(String[] args) {
        System.out.println(FileStateDirectory.defaultRoot());
    }
}
