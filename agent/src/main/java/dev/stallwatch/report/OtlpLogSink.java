package dev.stallwatch.report;

import dev.stallwatch.telemetry.TelemetryNames;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;

/**
 * Each detection as an OTLP log record: the message as body, the kind, thread and stack as attributes, and the
 * complete detection as JSON so that nothing the file holds is lost on the way through a collector.
 */
public final class OtlpLogSink implements DetectionSink {
  private final Logger logger;

  public OtlpLogSink(Logger logger) {
    this.logger = logger;
  }

  @Override
  public void accept(Detection detection) {
    Severity severity = detection.kind() == DetectionKind.DEADLOCK ? Severity.ERROR : Severity.WARN;
    logger.logRecordBuilder()
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
