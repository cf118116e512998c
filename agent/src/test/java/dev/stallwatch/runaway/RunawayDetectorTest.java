package dev.stallwatch.runaway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stallwatch.report.Detection;
import dev.stallwatch.report.DetectionKind;
import dev.stallwatch.report.Detections;
import dev.stallwatch.telemetry.TelemetryNames;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RunawayDetectorTest {
  private static final long MS = 1_000_000;
  private final List<Detection> reported = new CopyOnWriteArrayList<>();
  private Consumer<Detection> onReport = d -> {};
  private final InFlightOperations operations = new InFlightOperations();
  private final RunawayDetector detector = new RunawayDetector(operations, new Detections(List.of(d -> {
    reported.add(d);
    onReport.accept(d);
  })), null);
  private final SdkTracerProvider tracing = SdkTracerProvider.builder().build();
  private final InFlightOperations.PerThread me = operations.currentThread();

  @AfterEach
  void close() {
    tracing.close();
  }

  private Operation begin(String name, long thresholdMillis) {
    Span span = tracing.get("test").spanBuilder(name).startSpan();
    return operations.begin(me, "block", name, name, thresholdMillis * MS, span, Map.of("pattern", "P#m"));
  }

  @Test
  void reportedOnceWhileRunningThenItsEndOnce() {
    Operation op = begin("com.acme.Pipeline.processBlock", 1000);

    detector.scan(op.startNanos() + 999 * MS);
    assertThat(reported).as("not yet past the threshold").isEmpty();

    detector.scan(op.startNanos() + 1001 * MS);
    detector.scan(op.startNanos() + 5000 * MS);
    assertThat(reported).singleElement().satisfies(d -> {
      assertThat(d.kind()).isEqualTo(DetectionKind.RUNAWAY);
      assertThat(d.details()).containsEntry("phase", "running").containsEntry("operation", op.name())
          .containsEntry("operationKind", "block").containsEntry("thresholdMillis", 1000L)
          .containsEntry("pattern", "P#m").containsKeys("runningMillis", "traceId", "spanId");
      assertThat(d.thread()).isEqualTo(Thread.currentThread().getName());
      assertThat(String.join("\n", d.stack())).as("this thread's live stack")
          .contains("RunawayDetectorTest.reportedOnceWhileRunningThenItsEndOnce");
      assertThat(d.span()).isSameAs(op.span());
    });

    assertThat(operations.end(op, op.startNanos() + 6000 * MS)).isTrue();
    op.span().end();
    assertThat(reported).hasSize(2);
    assertThat(reported.get(1).details()).containsEntry("phase", "ended").containsEntry("durationMillis", 6000L);
    assertThat(reported.get(1).stack()).isEmpty();
    assertThat(((ReadableSpan) op.span()).getAttribute(TelemetryNames.RUNAWAY)).isTrue();

    detector.scan(op.startNanos() + 9000 * MS);
    assertThat(reported).hasSize(2);
  }

  @Test
  void operationEndingInTimeIsNeverReportedAndLeavesNothingBehind() {
    Operation op = begin("quick", 100);
    assertThat(operations.end(op, op.startNanos() + 50 * MS)).isFalse();
    detector.scan(op.startNanos() + 10_000 * MS);
    assertThat(reported).isEmpty();
    assertThat(((ReadableSpan) op.span()).getAttribute(TelemetryNames.RUNAWAY)).isNull();
    assertThat(operations.countByKind()).isEmpty();
  }

  @Test
  void operationEndingWhileItsReportIsBeingWrittenHasItsEndReportedAfterIt() {
    Operation op = begin("racy", 10);
    // The operation ends on its thread while the watchdog is still handing the runaway report to the sinks.
    onReport = d -> {
      if ("running".equals(d.details().get("phase"))) {
        assertThat(operations.end(op, op.startNanos() + 20 * MS)).isTrue();
      }
    };
    detector.scan(op.startNanos() + 15 * MS);
    assertThat(reported).extracting(d -> d.details().get("phase")).containsExactly("running", "ended");
  }

  @Test
  void nestedOperationsAreTrackedAndRecognisedAsRecursion() {
    Operation outer = begin("outer", 1000);
    Operation inner = begin("inner", 1000);
    assertThat(me.isRunning("outer")).isTrue();
    assertThat(me.isRunning("inner")).isTrue();
    assertThat(me.isRunning("other")).isFalse();
    assertThat(operations.countByKind()).containsEntry("block", 2L);

    List<String> seen = new ArrayList<>();
    operations.forEachRunning(op -> seen.add(op.name()));
    assertThat(seen).containsExactly("outer", "inner");

    operations.end(outer, System.nanoTime());
    assertThat(me.isRunning("outer")).as("out-of-order end").isFalse();
    assertThat(me.isRunning("inner")).isTrue();
    operations.end(inner, System.nanoTime());
    assertThat(operations.countByKind()).isEmpty();
  }

  @Test
  void recordsOfEndedThreadsAreDropped() throws Exception {
    Thread worker = new Thread(() -> {
      InFlightOperations.PerThread record = operations.currentThread();
      Operation op = operations.begin(record, "block", "w", "w", MS, Span.getInvalid(), Map.of());
      operations.end(op, System.nanoTime());
    });
    worker.start();
    worker.join();
    assertThat(operations.trackedThreads()).as("this thread's and the worker's").isEqualTo(2);
    operations.forEachRunning(op -> {});
    assertThat(operations.trackedThreads()).as("the ended worker's record is gone").isEqualTo(1);
  }
}
