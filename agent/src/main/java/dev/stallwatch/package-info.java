/**
 * The launcher ({@code StallwatchAgent}, the only class the application's class loader sees) and {@code AgentStartup},
 * which wires config, telemetry and each feature in the agent's own class loader. May import every package here;
 * no package may import it.
 */
package dev.stallwatch;
