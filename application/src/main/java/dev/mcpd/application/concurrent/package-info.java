/**
 * Small concurrency helpers of the application ring: a lock that guards one component's state, with waits that
 * take their time from an injected {@code Ticker} and wake on a {@code Condition}, never on a poll.
 */
package dev.mcpd.application.concurrent;
