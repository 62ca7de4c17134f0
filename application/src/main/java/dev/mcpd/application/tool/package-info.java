/**
 * Helpers for the engines' tools: JSON Schema builders ({@code Shapes}) and argument coercion ({@code Arguments},
 * {@code InvalidArgumentException}).
 */
package dev.mcpd.application.tool;
