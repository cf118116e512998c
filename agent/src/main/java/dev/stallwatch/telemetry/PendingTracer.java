package dev.stallwatch.telemetry;

import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.Tracer;

/** The tracer features hold while the SDK is being built: each span is the SDK tracer's (see {@link Telemetry}). */
final class PendingTracer implements Tracer {
  private final Telemetry telemetry;

  PendingTracer(Telemetry telemetry) {
    this.telemetry = telemetry;
  }

  @Override
  public SpanBuilder spanBuilder(String spanName) {
    return telemetry.parts().tracer().spanBuilder(spanName);
  }

  @Override
  public boolean isEnabled() {
    return telemetry.parts().tracer().isEnabled();
  }
}
