package dev.mcpd.application.tool;

/** An argument of a tool call has a value the tool cannot use; the message says which and what it accepts (B-M6). */
public final class InvalidArgumentException extends Exception {

    public InvalidArgumentException(String message) {
        super(message);
    }
}
