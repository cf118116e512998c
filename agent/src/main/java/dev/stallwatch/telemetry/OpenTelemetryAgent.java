package dev.stallwatch.telemetry;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;

/**
 * The OpenTelemetry Java agent's OpenTelemetry, when stallwatch runs beside it or as its extension.
 *
 * <p>In {@code core-otel.jar} every {@code io.opentelemetry} reference of stallwatch's classes is relocated to
 * {@code io.opentelemetry.javaagent.shaded.io.opentelemetry}, the API that agent puts into the boot class loader: then
 * {@link GlobalOpenTelemetry} here is that agent's (with its resource, exporters and sampler), and {@code
 * Context.current()} and {@code makeCurrent()} in the block and WebSocket code are that agent's context, which its
 * own instrumentation (HTTP clients, JDBC, servlets) reads. That is the whole bridge: no wrapper per call.
 */
final class OpenTelemetryAgent {
  private OpenTelemetryAgent() {}

  /**
   * True when the API this class was linked against comes from the boot class loader: only the OpenTelemetry agent
   * puts one there, and the launcher loads {@code core-otel.jar} only when that agent has set its OpenTelemetry.
   */
  static boolean joined() {
    return OpenTelemetry.class.getClassLoader() == null;
  }

  static Telemetry telemetry(String version) {
    return new Telemetry(GlobalOpenTelemetry.get(), version, seconds -> {}, true);
  }
}
