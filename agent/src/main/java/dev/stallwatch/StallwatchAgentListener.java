package dev.stallwatch;

import io.opentelemetry.javaagent.extension.AgentListener;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.lang.instrument.Instrumentation;

/**
 * Stallwatch as an extension of the OpenTelemetry Java agent ({@code -Dotel.javaagent.extensions=stallwatch-agent.jar}):
 * that agent finds this class through {@code META-INF/services} in its extension class loader and calls it once its
 * SDK is set up, still in its {@code premain}. Stallwatch then starts exactly as after that agent's
 * {@code -javaagent}: with the {@link Instrumentation} that agent keeps in its boot class
 * {@code InstrumentationHolder}, and joined to its OpenTelemetry. The SDK handed in here is not used: it is the one
 * that agent's {@code GlobalOpenTelemetry} already holds.
 */
public final class StallwatchAgentListener implements AgentListener {
  private static final String INSTRUMENTATION_HOLDER = "io.opentelemetry.javaagent.bootstrap.InstrumentationHolder";

  @Override
  public void afterAgent(AutoConfiguredOpenTelemetrySdk sdk) {
    Instrumentation instrumentation;
    try {
      instrumentation = (Instrumentation) Class.forName(INSTRUMENTATION_HOLDER, false, null)
          .getMethod("getInstrumentation").invoke(null);
    } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
      System.err.println("[stallwatch] could not start as an OpenTelemetry agent extension (" + e
          + "); the application runs without it");
      return;
    }
    if (instrumentation == null) {
      System.err.println("[stallwatch] the OpenTelemetry agent holds no Instrumentation; the application runs "
          + "without stallwatch");
      return;
    }
    StallwatchAgent.startAsExtension(instrumentation);
  }
}
