/**
 * The {@code ContainerRuntime} port over the Docker Engine API (docker-java; Docker or Podman), and how a session's
 * runtime endpoint is found (B-B1, ADR 0014).
 */
package dev.mcpd.adapter.secondary.container;
