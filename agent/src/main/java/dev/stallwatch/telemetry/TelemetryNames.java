package dev.stallwatch.telemetry;

import io.opentelemetry.api.common.AttributeKey;

/**
 * Names stallwatch's telemetry uses, in one place, so dashboards and docs/telemetry.md can rely on them. Where the
 * OpenTelemetry semantic conventions have a name ({@code thread.name}, {@code code.stacktrace}) it is used.
 */
public final class TelemetryNames {
  public static final String INSTRUMENTATION_SCOPE = "dev.stallwatch";

  public static final String DETECTIONS_COUNTER = "stallwatch.detections";
  /** The event name of a detection's log record and span event. */
  public static final String DETECTION_EVENT = "stallwatch.detection";

  public static final AttributeKey<String> DETECTION_KIND = AttributeKey.stringKey("stallwatch.detection.kind");
  public static final AttributeKey<String> DETECTION_MESSAGE = AttributeKey.stringKey("stallwatch.detection.message");
  /** The whole detection as the JSON Lines file holds it. */
  public static final AttributeKey<String> DETECTION_JSON = AttributeKey.stringKey("stallwatch.detection.json");
  public static final AttributeKey<String> THREAD_NAME = AttributeKey.stringKey("thread.name");
  public static final AttributeKey<String> CODE_STACKTRACE = AttributeKey.stringKey("code.stacktrace");

  private TelemetryNames() {}
}
