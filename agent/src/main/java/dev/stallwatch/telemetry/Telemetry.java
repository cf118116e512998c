package dev.stallwatch.telemetry;

import dev.stallwatch.log.AgentLog;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Tracer;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Where every span, metric and log record of stallwatch goes: the tracer, meter and logger of one OpenTelemetry,
 * which is either stallwatch's own SDK ({@link OwnSdk}) or the OpenTelemetry Java agent's ({@link
 * OpenTelemetryAgent}). Features see only this; which of the two it is was settled by the launcher, which loaded
 * the agent's classes either against the relocated API stallwatch carries or against the one the OpenTelemetry agent
 * put into the boot class loader.
 */
public final class Telemetry {
  private final Tracer tracer;
  private final Meter meter;
  private final Logger logger;
  private final LongConsumer shutdown;
  private final boolean openTelemetryAgent;

  Telemetry(OpenTelemetry otel, String version, LongConsumer shutdown, boolean openTelemetryAgent) {
    tracer = otel.getTracerProvider().tracerBuilder(TelemetryNames.INSTRUMENTATION_SCOPE)
        .setInstrumentationVersion(version).build();
    meter = otel.getMeterProvider().meterBuilder(TelemetryNames.INSTRUMENTATION_SCOPE)
        .setInstrumentationVersion(version).build();
    logger = otel.getLogsBridge().loggerBuilder(TelemetryNames.INSTRUMENTATION_SCOPE)
        .setInstrumentationVersion(version).build();
    this.shutdown = shutdown;
    this.openTelemetryAgent = openTelemetryAgent;
  }

  /**
   * The OpenTelemetry Java agent's OpenTelemetry when stallwatch was loaded to join it, else stallwatch's own SDK
   * built from the {@code otel.*} settings.
   *
   * @param defaultServiceName for the own SDK, used when neither {@code otel.service.name} nor a
   *     {@code service.name} resource attribute is set
   */
  public static Telemetry start(String defaultServiceName, String version) {
    return start(defaultServiceName, version, Map.of());
  }

  /**
   * As {@link #start(String, String)}, with {@code otel.*} settings given as the agent's arguments, which win over
   * the same keys in system properties and the environment. The JVM's system properties are left as they are: the
   * application may read {@code otel.*} itself, for an SDK of its own.
   */
  public static Telemetry start(String defaultServiceName, String version, Map<String, String> otelArguments) {
    if (OpenTelemetryAgent.joined()) {
      if (!otelArguments.isEmpty()) {
        AgentLog.line("the agent arguments " + String.join(", ", otelArguments.keySet()) + " are ignored: "
            + "stallwatch uses the OpenTelemetry Java agent's SDK, which that agent configured at its start");
      }
      return OpenTelemetryAgent.telemetry(version);
    }
    return OwnSdk.start(defaultServiceName, version, otelArguments);
  }

  /** True when this is the OpenTelemetry Java agent's OpenTelemetry, not stallwatch's own SDK. */
  public boolean isOpenTelemetryAgent() {
    return openTelemetryAgent;
  }

  public Tracer tracer() {
    return tracer;
  }

  public Meter meter() {
    return meter;
  }

  public Logger logger() {
    return logger;
  }

  /**
   * Flushes what is buffered and stops the exporters, waiting at most {@code seconds}; the OpenTelemetry agent's SDK
   * is that agent's to flush and stop, at its own shutdown.
   */
  public void shutdown(long seconds) {
    shutdown.accept(seconds);
  }
}
