package dev.stallwatch.report;

import dev.stallwatch.telemetry.TelemetryNames;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;

/**
 * Records a detection as an event on the span it concerns (the operation still running, the handler that waited),
 * or on the reporting thread's current span; does nothing when there is neither.
 */
public final class SpanEventSink implements DetectionSink {
  @Override
  public void accept(Detection detection) {
    Span span = detection.span() != null ? detection.span() : Span.current();
    if (!span.isRecording()) {
      return;
    }
    span.addEvent(TelemetryNames.DETECTION_EVENT, Attributes.builder()
        .put(TelemetryNames.DETECTION_KIND, detection.kind().wireName())
        .put(TelemetryNames.DETECTION_MESSAGE, detection.message())
        .put(TelemetryNames.THREAD_NAME, detection.thread())
        .put(TelemetryNames.CODE_STACKTRACE, String.join("\n", detection.stack()))
        .build(), detection.time());
  }
}
