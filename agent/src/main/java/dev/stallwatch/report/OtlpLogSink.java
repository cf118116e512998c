package dev.stallwatch.report;

import dev.stallwatch.telemetry.TelemetryNames;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.LogRecordBuilder;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;

/**
 * Each detection as an OTLP log record: the message as body, the kind, thread and stack as attributes, and the
 * complete detection as JSON so that nothing the file holds is lost on the way through a collector; in the trace
 * context of the span the detection concerns, when there is one, so that a backend links the record to that span.
 */
public final class OtlpLogSink implements DetectionSink {
  private final Logger logger;

  public OtlpLogSink(Logger logger) {
    this.logger = logger;
  }

  @Override
  public void accept(Detection detection) {
    Severity severity = detection.kind() == DetectionKind.DEADLOCK ? Severity.ERROR : Severity.WARN;
    LogRecordBuilder record = logger.logRecordBuilder();
    Span span = detection.span();
    if (span != null && span.getSpanContext().isValid()) {
      // The trace and span id of the operation the detection concerns (open or ended: its context stays valid).
      record.setContext(Context.root().with(span));
    }
    record
        .setEventName(TelemetryNames.DETECTION_EVENT)
        .setTimestamp(detection.time())
        .setSeverity(severity)
        .setSeverityText(severity.name())
        .setBody(detection.message())
        .setAllAttributes(Attributes.builder()
            .put(TelemetryNames.DETECTION_KIND, detection.kind().wireName())
            .put(TelemetryNames.THREAD_NAME, detection.thread())
            .put(TelemetryNames.CODE_STACKTRACE, String.join("\n", detection.stack()))
            .put(TelemetryNames.DETECTION_JSON, Json.write(detection.toMap()))
            .build())
        .emit();
  }
}
