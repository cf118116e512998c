package dev.stallwatch.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Tracer;
import java.util.function.LongConsumer;

/** The tracer, meter and logger of one built OpenTelemetry, and how to flush and stop it. */
record TelemetryParts(Tracer tracer, Meter meter, Logger logger, LongConsumer shutdown) {
  /** The parts of nothing: what is recorded through them goes nowhere (export is off, and was said to be). */
  static final TelemetryParts NOTHING = of(OpenTelemetry.noop(), "dev", seconds -> {});

  static TelemetryParts of(OpenTelemetry otel, String version, LongConsumer shutdown) {
    return new TelemetryParts(
        otel.getTracerProvider().tracerBuilder(TelemetryNames.INSTRUMENTATION_SCOPE)
            .setInstrumentationVersion(version).build(),
        otel.getMeterProvider().meterBuilder(TelemetryNames.INSTRUMENTATION_SCOPE)
            .setInstrumentationVersion(version).build(),
        otel.getLogsBridge().loggerBuilder(TelemetryNames.INSTRUMENTATION_SCOPE)
            .setInstrumentationVersion(version).build(),
        shutdown);
  }
}
