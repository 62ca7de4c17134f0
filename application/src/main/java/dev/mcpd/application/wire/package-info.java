/**
 * Newline framing of JSON lines over byte streams: a reader with a size limit and a daemon-wide memory budget, a
 * writer, and a queued writer that a slow peer cannot block (B-W1, B-C4).
 */
package dev.mcpd.application.wire;
