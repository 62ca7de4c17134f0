/**
 * The daemon's expiration model, after Gradle's daemon: pure {@code ExpirationPolicy} objects return an
 * {@code ExpirationResult} with an ordered {@code ExpirationStatus} and a reason, and compose with anyOf/allOf; one
 * place acts on the decision (B-L6).
 */
package dev.mcpd.domain.policy;
