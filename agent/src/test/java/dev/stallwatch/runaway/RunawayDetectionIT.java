package dev.stallwatch.runaway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stallwatch.testapps.BlockFastCalls;
import dev.stallwatch.testapps.BlockRunaway;
import dev.stallwatch.testapps.BlockThresholds;
import dev.stallwatch.testing.ForkedJvm;
import dev.stallwatch.testing.Jdk;
import dev.stallwatch.testing.OtlpReceiver;
import dev.stallwatch.testing.RunningJvm;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A block method running past its threshold is reported while it runs, once, and its end once. */
class RunawayDetectionIT {
  static List<Jdk> jdks() {
    return Jdk.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void runawayBlockIsReportedWhileRunningWithItsLiveStackThenItsEndOnce(Jdk jdk) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver();
        RunningJvm app = ForkedJvm.run(jdk, BlockRunaway.class, "4000").exportTo(receiver)
            .property("stallwatch.blocks", "BlockRunaway#processBlock")
            .property("stallwatch.runaway.threshold", "1s")
            .start()) {
      Instant started = epochMillisAfter(app.awaitStdout("block started at ", Duration.ofSeconds(20)));
      Instant ended = epochMillisAfter(app.awaitStdout("block ended at ", Duration.ofSeconds(20)));
      RunningJvm.Result result = app.awaitExit(Duration.ofSeconds(20));

      List<JsonNode> running = phase(result.detections(), "running");
      assertThat(running).as("runaway reports while running").hasSize(1);
      JsonNode report = running.get(0);
      Instant reportedAt = Instant.parse(report.get("time").asText());
      assertThat(reportedAt).as("reported before the block ended").isBefore(ended);
      assertThat(Duration.between(started, reportedAt)).as("time from start to report")
          .isGreaterThanOrEqualTo(Duration.ofMillis(1000)).isLessThanOrEqualTo(Duration.ofMillis(2000));
      assertThat(report.get("operation").asText()).isEqualTo("dev.stallwatch.testapps.BlockRunaway.processBlock");
      assertThat(report.get("operationKind").asText()).isEqualTo("block");
      assertThat(report.get("thresholdMillis").asLong()).isEqualTo(1000);
      assertThat(report.get("runningMillis").asLong()).isBetween(1000L, 2000L);
      assertThat(report.get("thread").asText()).isEqualTo("main");
      List<String> stack = new ArrayList<>();
      report.get("stack").forEach(f -> stack.add(f.asText()));
      int inner = indexOf(stack, "BlockRunaway.slowInnerStep(");
      int block = indexOf(stack, "BlockRunaway.processBlock(");
      assertThat(inner).as("the live stack shows the inner step: " + stack).isGreaterThanOrEqualTo(0);
      assertThat(block).as("below the block method").isGreaterThan(inner);
      assertThat(stack.get(0)).contains("sleep");

      List<JsonNode> endedReports = phase(result.detections(), "ended");
      assertThat(endedReports).as("reports of the end").hasSize(1);
      assertThat(endedReports.get(0).get("durationMillis").asLong()).isBetween(4000L, 5000L);
      assertThat(endedReports.get(0).get("spanId").asText()).isEqualTo(report.get("spanId").asText());
      assertThat(result.detections()).as("all detections").hasSize(2)
          .allSatisfy(d -> assertThat(d.get("kind").asText()).isEqualTo("runaway"));
      assertThat(result.agentLines()).hasSize(2);
      assertThat(result.agentLines().get(0)).startsWith("[stallwatch] runaway: ")
          .contains("BlockRunaway.slowInnerStep");

      Span span = receiver.awaitSpan(s -> s.getName().equals("BlockRunaway.processBlock"), Duration.ofSeconds(10));
      assertThat(OtlpReceiver.attribute(span.getAttributesList(), "stallwatch.runaway")).isEqualTo("true");
      assertThat(hex(span.getSpanId().toByteArray())).isEqualTo(report.get("spanId").asText());
      assertThat(span.getEventsList()).filteredOn(e -> e.getName().equals("stallwatch.detection"))
          .anySatisfy(e -> assertThat(OtlpReceiver.attribute(e.getAttributesList(), "code.stacktrace"))
              .contains("BlockRunaway.slowInnerStep"));
      assertThat(receiver.awaitCounter("stallwatch.runaways", "stallwatch.operation.kind", "block",
          Duration.ofSeconds(10))).isEqualTo(1);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void perPatternThresholdOverridesTheDefault(Jdk jdk) throws Exception {
    RunningJvm.Result result = ForkedJvm.run(jdk, BlockThresholds.class)
        .property("stallwatch.blocks", "BlockThresholds#quick*=500ms,BlockThresholds#defaultBudget")
        .runToEnd(Duration.ofSeconds(30));

    assertThat(result.exitCode()).isZero();
    List<JsonNode> running = phase(result.detections(), "running");
    assertThat(running).hasSize(1);
    assertThat(running.get(0).get("operation").asText()).endsWith("BlockThresholds.quickBudget");
    assertThat(running.get(0).get("thresholdMillis").asLong()).isEqualTo(500);
    assertThat(running.get(0).get("pattern").asText()).isEqualTo("BlockThresholds#quick*=500ms");
    assertThat(phase(result.detections(), "ended")).singleElement()
        .satisfies(d -> assertThat(d.get("operation").asText()).endsWith("BlockThresholds.quickBudget"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void manyFastCallsAreNoRunaway(Jdk jdk) throws Exception {
    RunningJvm.Result result = ForkedJvm.run(jdk, BlockFastCalls.class, "20000")
        .property("stallwatch.blocks", "BlockFastCalls#processBlock")
        .property("stallwatch.runaway.threshold", "100ms")
        .runToEnd(Duration.ofSeconds(30));

    assertThat(result.exitCode()).isZero();
    assertThat(result.stdout()).startsWith("calls 20000 in ");
    assertThat(result.detections()).isEmpty();
    assertThat(result.agentLines()).isEmpty();
  }

  private static List<JsonNode> phase(List<JsonNode> detections, String phase) {
    return detections.stream()
        .filter(d -> d.path("kind").asText().equals("runaway") && d.path("phase").asText().equals(phase))
        .toList();
  }

  private static int indexOf(List<String> stack, String text) {
    for (int i = 0; i < stack.size(); i++) {
      if (stack.get(i).contains(text)) {
        return i;
      }
    }
    return -1;
  }

  private static Instant epochMillisAfter(String line) {
    return Instant.ofEpochMilli(Long.parseLong(line.substring(line.lastIndexOf(' ') + 1).trim()));
  }

  static String hex(byte[] bytes) {
    StringBuilder out = new StringBuilder();
    for (byte b : bytes) {
      out.append(String.format("%02x", b));
    }
    return out.toString();
  }
}
