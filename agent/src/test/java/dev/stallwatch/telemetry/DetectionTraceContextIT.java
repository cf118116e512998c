package dev.stallwatch.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stallwatch.testapps.DetectionsInTraceContext;
import dev.stallwatch.testing.ForkedJvm;
import dev.stallwatch.testing.Jdk;
import dev.stallwatch.testing.OtlpReceiver;
import dev.stallwatch.testing.RunningJvm;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A detection about a traced operation reaches OTLP in that operation's trace: its log record carries the span's trace
 * and span id, and the span holds a {@code stallwatch.detection} event made while it was open, for a runaway (the
 * operation itself), a lock wait (the operation that waited) and a permit leak (the operation that took the permit).
 */
class DetectionTraceContextIT {
  static List<Jdk> jdks() {
    return Jdk.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void runawayLockWaitAndPermitLeakLogRecordsCarryTheOperationsSpanAndAreEventsOnIt(Jdk jdk) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      RunningJvm.Result result = ForkedJvm.run(jdk, DetectionsInTraceContext.class).exportTo(receiver)
          .property("stallwatch.blocks", "DetectionsInTraceContext#handleRequest=1500ms")
          .property("stallwatch.lock.wait.threshold", "500ms")
          .property("stallwatch.permit.leak.threshold", "1s")
          .runToEnd(Duration.ofSeconds(30));
      assertThat(result.exitCode()).as(result.stderr()).isZero();
      assertThat(result.stdout()).contains("done");
      assertThat(result.detections()).extracting(d -> d.path("kind").asText() + "/" + d.path("phase").asText())
          .contains("lock_wait/waiting", "permit_leak/leaked", "runaway/running");

      Span handler = receiver.awaitSpan(s -> s.getName().equals("DetectionsInTraceContext.handleRequest"),
          Duration.ofSeconds(10));
      for (String kindAndPhase : List.of("lock_wait/waiting", "permit_leak/leaked", "runaway/running")) {
        String kind = kindAndPhase.substring(0, kindAndPhase.indexOf('/'));
        String phase = "\"phase\":\"" + kindAndPhase.substring(kindAndPhase.indexOf('/') + 1) + "\"";
        LogRecord record = receiver.awaitLogRecord(r -> kind.equals(
            OtlpReceiver.attribute(r.getAttributesList(), "stallwatch.detection.kind"))
            && OtlpReceiver.attribute(r.getAttributesList(), "stallwatch.detection.json").contains(phase),
            Duration.ofSeconds(10));
        assertThat(record.getTraceId()).as(kind + " log record's trace id").isEqualTo(handler.getTraceId());
        assertThat(record.getSpanId()).as(kind + " log record's span id").isEqualTo(handler.getSpanId());
        assertThat(handler.getEventsList()).as(kind + " event on the span")
            .anySatisfy(e -> {
              assertThat(e.getName()).isEqualTo("stallwatch.detection");
              assertThat(OtlpReceiver.attribute(e.getAttributesList(), "stallwatch.detection.kind")).isEqualTo(kind);
            });
      }
      JsonNode leak = result.detections().stream().filter(d -> d.path("kind").asText().equals("permit_leak"))
          .findFirst().orElseThrow();
      assertThat(leak.path("acquiredAt").asText()).contains("DetectionsInTraceContext.handleRequest(");
    }
  }
}
