package dev.stallwatch.telemetry;

import io.opentelemetry.api.logs.LogRecordBuilder;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.context.Context;

/** The logger features hold while the SDK is being built: each record is the SDK logger's (see {@link Telemetry}). */
final class PendingLogger implements Logger {
  private final Telemetry telemetry;

  PendingLogger(Telemetry telemetry) {
    this.telemetry = telemetry;
  }

  @Override
  public LogRecordBuilder logRecordBuilder() {
    return telemetry.parts().logger().logRecordBuilder();
  }

  @Override
  public boolean isEnabled(Severity severity, Context context) {
    return telemetry.parts().logger().isEnabled(severity, context);
  }
}
