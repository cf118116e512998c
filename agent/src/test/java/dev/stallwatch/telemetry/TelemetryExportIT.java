package dev.stallwatch.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stallwatch.testapps.LockOrderDeadlock;
import dev.stallwatch.testing.ForkedJvm;
import dev.stallwatch.testing.Jdk;
import dev.stallwatch.testing.OtlpReceiver;
import dev.stallwatch.testing.RunningJvm;
import io.opentelemetry.proto.resource.v1.Resource;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Telemetry is configured by the OpenTelemetry SDK's own {@code otel.*} settings, with sensible defaults. */
class TelemetryExportIT {

  @Test
  void serviceNameDefaultsToTheMainClass() throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver();
        RunningJvm app = ForkedJvm.run(Jdk.current(), LockOrderDeadlock.class).exportTo(receiver).start()) {
      app.awaitDetection("deadlock", Duration.ofSeconds(10));
      receiver.awaitLogRecord(r -> true, Duration.ofSeconds(10));

      assertThat(receiver.resources()).isNotEmpty()
          .allSatisfy(r -> assertThat(serviceName(r)).isEqualTo(LockOrderDeadlock.class.getName()));
    }
  }

  @Test
  void serviceNameFromOtelEnvironmentWins() throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver();
        RunningJvm app = ForkedJvm.run(Jdk.current(), LockOrderDeadlock.class).exportTo(receiver)
            .env("OTEL_RESOURCE_ATTRIBUTES", "service.name=block-rewriter,deployment.environment.name=test")
            .start()) {
      receiver.awaitLogRecord(r -> true, Duration.ofSeconds(10));

      assertThat(receiver.resources()).allSatisfy(r -> assertThat(serviceName(r)).isEqualTo("block-rewriter"));
    }
  }

  @Test
  void grpcProtocolIsHonouredAndItsFailureIsOneLine() throws Exception {
    // Nothing listens on the port: the exporter must fail politely, once, and name the problem.
    try (RunningJvm app = ForkedJvm.run(Jdk.current(), LockOrderDeadlock.class)
        .property("otel.logs.exporter", "otlp")
        .property("otel.exporter.otlp.protocol", "grpc")
        .property("otel.exporter.otlp.endpoint", "http://127.0.0.1:9")
        .property("otel.blrp.schedule.delay", "100")
        .start()) {
      app.awaitDetection("deadlock", Duration.ofSeconds(10));
      app.awaitStderrMatching("\\[stallwatch\\] telemetry:", Duration.ofSeconds(10));
      assertThat(app.stderr()).contains("[stallwatch] telemetry:").doesNotContain("SEVERE").doesNotContain("\tat ");
    }
  }

  @ParameterizedTest(name = "otel.logs.exporter={0}")
  @ValueSource(strings = {"console", "logging-otlp", "none"})
  void detectionLogsFollowTheChosenExporter(String exporter) throws Exception {
    try (RunningJvm app = ForkedJvm.run(Jdk.current(), LockOrderDeadlock.class)
        .property("otel.logs.exporter", exporter)
        .property("otel.blrp.schedule.delay", "100")
        .start()) {
      app.awaitDetection("deadlock", Duration.ofSeconds(10));
      Thread.sleep(1_500);
      String output = app.stdout() + app.stderr();
      switch (exporter) {
        case "console" -> assertThat(output).contains("stallwatch.detection.kind=\"deadlock\"");
        case "logging-otlp" -> assertThat(output).contains("\"scopeLogs\"").contains("stallwatch.detection.kind");
        default -> assertThat(output).doesNotContain("stallwatch.detection.kind");
      }
    }
  }

  private static String serviceName(Resource resource) {
    return OtlpReceiver.attribute(resource.getAttributesList(), "service.name");
  }
}
