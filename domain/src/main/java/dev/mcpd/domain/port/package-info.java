/**
 * The ports of the hexagon: what drives the core ({@code Transport}, {@code Connection}, {@code ConnectionHandler}) and
 * what the core drives ({@code ClientRegistry}, {@code LivenessProbe}, {@code StateDirectory}, {@code Engine},
 * {@code ContainerRuntime}, {@code HyperdClient}, {@code JsonCodec}, ...). JDK types only; each port has a contract
 * test in the domain's test-jar that its adapters and fakes extend.
 */
package dev.mcpd.domain.port;
