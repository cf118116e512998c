package dev.stallwatch.telemetry;

import dev.stallwatch.log.AgentLog;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The agent's own OpenTelemetry SDK, configured exactly as the SDK's autoconfigure module reads {@code otel.*} system
 * properties and {@code OTEL_*} environment variables. It is never registered as the global instance: the application
 * may have an OpenTelemetry of its own, and the two must not meet.
 */
public final class Telemetry {
  /** Defaults stallwatch chooses where the SDK's differ from the OpenTelemetry Java agent's; users override them. */
  private static final Map<String, String> DEFAULTS = Map.of(
      // The OpenTelemetry Java agent's default too: plain HTTP on 4318 works through more proxies than gRPC.
      "otel.exporter.otlp.protocol", "http/protobuf");

  private final OpenTelemetrySdk sdk;
  private final Tracer tracer;
  private final Meter meter;
  private final Logger logger;

  private Telemetry(OpenTelemetrySdk sdk, String version) {
    this.sdk = sdk;
    OpenTelemetry otel = sdk;
    tracer = otel.getTracerProvider().tracerBuilder(TelemetryNames.INSTRUMENTATION_SCOPE)
        .setInstrumentationVersion(version).build();
    meter = otel.getMeterProvider().meterBuilder(TelemetryNames.INSTRUMENTATION_SCOPE)
        .setInstrumentationVersion(version).build();
    logger = otel.getLogsBridge().loggerBuilder(TelemetryNames.INSTRUMENTATION_SCOPE)
        .setInstrumentationVersion(version).build();
  }

  /**
   * Builds the SDK from the {@code otel.*} settings.
   *
   * @param defaultServiceName used when neither {@code otel.service.name} nor a {@code service.name} resource
   *     attribute is set
   */
  public static Telemetry start(String defaultServiceName, String version) {
    ExportProblemLog.install();
    OpenTelemetrySdk sdk;
    try {
      sdk = AutoConfiguredOpenTelemetrySdk.builder()
          .addPropertiesSupplier(() -> DEFAULTS)
          .addResourceCustomizer((resource, config) -> withServiceName(resource, defaultServiceName))
          .disableShutdownHook()
          .build()
          .getOpenTelemetrySdk();
    } catch (RuntimeException | LinkageError e) {
      // The detectors do not need the SDK: they keep reporting on stderr and to the JSON Lines file.
      AgentLog.line("OpenTelemetry export is off: the SDK could not start from the otel.* settings (" + e + ")"
          + (ModuleLayer.boot().findModule("java.net.http").isEmpty() ? "; OTLP over http/protobuf needs the "
              + "java.net.http module, which this JVM did not resolve (add --add-modules java.net.http, or set "
              + "otel.exporter.otlp.protocol=grpc)" : ""));
      sdk = OpenTelemetrySdk.builder().build();
    }
    return new Telemetry(sdk, version);
  }

  private static Resource withServiceName(Resource resource, String defaultServiceName) {
    String current = resource.getAttribute(TelemetryNames.SERVICE_NAME);
    if (current != null && !current.startsWith("unknown_service")) {
      return resource;
    }
    return resource.merge(Resource.builder().put(TelemetryNames.SERVICE_NAME, defaultServiceName).build());
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

  /** Flushes what is buffered and stops the exporters, waiting at most {@code seconds}. */
  public void shutdown(long seconds) {
    sdk.shutdown().join(seconds, TimeUnit.SECONDS);
  }
}
