/**
 * The typed errors of mcpd: {@code McpdException} and its family, each with an {@link dev.mcpd.domain.error.ErrorCode};
 * a closed peer, a timeout, a protocol violation, a malformed message, a line too long, bad configuration, and the
 * backends' failures (container runtime, hyperd) are different types.
 */
package dev.mcpd.domain.error;
