package dev.stallwatch.telemetry;

import dev.stallwatch.log.AgentLog;
import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Stallwatch's own OpenTelemetry SDK (relocated in {@code core.jar}), configured exactly as the SDK's autoconfigure
 * module reads {@code otel.*} system properties and {@code OTEL_*} environment variables. Used whenever no
 * OpenTelemetry Java agent is there to join. It is never registered as the global instance: the application may have
 * an OpenTelemetry of its own, and the two must not meet. The only class that touches the SDK itself (with
 * {@link ExportProblemLog}); {@code core-otel.jar} never loads it.
 */
final class OwnSdk {
  /** Defaults stallwatch chooses where the SDK's differ from the OpenTelemetry Java agent's; users override them. */
  private static final Map<String, String> DEFAULTS = Map.of(
      // The OpenTelemetry Java agent's default too: plain HTTP on 4318 works through more proxies than gRPC.
      "otel.exporter.otlp.protocol", "http/protobuf");

  private OwnSdk() {}

  static Telemetry start(String defaultServiceName, String version, Map<String, String> otelArguments) {
    ExportProblemLog.install();
    OpenTelemetrySdk built;
    try {
      built = AutoConfiguredOpenTelemetrySdk.builder()
          .addPropertiesSupplier(() -> DEFAULTS)
          // The agent's arguments: over system properties and the environment, without changing either.
          .addPropertiesCustomizer(config -> otelArguments)
          .addResourceCustomizer((resource, config) -> withServiceName(resource, defaultServiceName))
          .disableShutdownHook()
          .setComponentLoader(new DeferredHttpSenders(ComponentLoader.forClassLoader(OwnSdk.class.getClassLoader())))
          .build()
          .getOpenTelemetrySdk();
    } catch (RuntimeException | LinkageError e) {
      // The detectors do not need the SDK: they keep reporting on stderr and to the JSON Lines file.
      AgentLog.line("OpenTelemetry export is off: the SDK could not start from the otel.* settings (" + e + "); "
          + "detections still go to stderr");
      built = OpenTelemetrySdk.builder().build();
    }
    OpenTelemetrySdk sdk = built;
    return new Telemetry(sdk, version, seconds -> sdk.shutdown().join(seconds, TimeUnit.SECONDS), false);
  }

  private static Resource withServiceName(Resource resource, String defaultServiceName) {
    String current = resource.getAttribute(TelemetryNames.SERVICE_NAME);
    if (current != null && !current.startsWith("unknown_service")) {
      return resource;
    }
    return resource.merge(Resource.builder().put(TelemetryNames.SERVICE_NAME, defaultServiceName).build());
  }
}
