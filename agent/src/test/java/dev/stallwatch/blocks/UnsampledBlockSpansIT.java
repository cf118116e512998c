package dev.stallwatch.blocks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stallwatch.telemetry.TelemetryNames;
import dev.stallwatch.testapps.BlockRunaway;
import dev.stallwatch.testing.ForkedJvm;
import dev.stallwatch.testing.Jdk;
import dev.stallwatch.testing.OtlpReceiver;
import dev.stallwatch.testing.RunningJvm;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A block's span that the sampler drops is built no further than the sampler's decision, but the block still counts:
 * with {@code otel.traces.sampler=always_off} its duration metric, the runaway detection (running, then ended) and the
 * runaway counter arrive, and no span does.
 */
class UnsampledBlockSpansIT {
  private static final String BLOCK = "dev.stallwatch.testapps.BlockRunaway.processBlock";

  static List<Jdk> jdks() {
    return Jdk.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void metricsAndRunawayDetectionsArriveWhenNoSpanIsSampled(Jdk jdk) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      RunningJvm.Result result = ForkedJvm.run(jdk, BlockRunaway.class, "2000").exportTo(receiver)
          .property("otel.traces.sampler", "always_off")
          .property("stallwatch.blocks", "BlockRunaway#processBlock")
          .property("stallwatch.runaway.threshold", "500ms")
          .runToEnd(Duration.ofSeconds(30));
      assertThat(result.exitCode()).as(result.stderr()).isZero();

      List<JsonNode> runaways = result.detections().stream()
          .filter(d -> "runaway".equals(d.path("kind").asText())).toList();
      assertThat(runaways).extracting(d -> d.get("phase").asText()).containsExactly("running", "ended");
      assertThat(runaways).allSatisfy(d -> assertThat(d.get("operation").asText()).isEqualTo(BLOCK));
      assertThat(receiver.awaitCounter("stallwatch.runaways", "stallwatch.operation.kind", "block",
          Duration.ofSeconds(10))).isEqualTo(1);
      long calls = receiver.metrics(TelemetryNames.BLOCK_DURATION_METRIC).stream()
          .flatMap(m -> m.getHistogram().getDataPointsList().stream())
          .filter(p -> BLOCK.equals(OtlpReceiver.attribute(p.getAttributesList(), "code.function.name")))
          .mapToLong(HistogramDataPoint::getCount).max().orElse(-1);
      assertThat(calls).as("the block's duration is recorded").isEqualTo(1);
      assertThat(receiver.spans()).as("no span is sampled").isEmpty();
    }
  }
}
