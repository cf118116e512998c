package dev.stallwatch.blocks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stallwatch.testapps.BlockInterfaces;
import dev.stallwatch.testapps.BlockNesting;
import dev.stallwatch.testing.ForkedJvm;
import dev.stallwatch.testing.Jdk;
import dev.stallwatch.testing.OtlpReceiver;
import dev.stallwatch.testing.RunningJvm;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Block calls arrive over real OTLP as spans with the right parents, and as a duration histogram. */
class BlockSpansIT {
  private static final String APP = "dev.stallwatch.testapps.BlockNesting";

  static List<Jdk> jdks() {
    return Jdk.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void nestedCallsAreChildSpansRecursionIsOneSpanAndExceptionsAreErrors(Jdk jdk) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      RunningJvm.Result result = ForkedJvm.run(jdk, BlockNesting.class).exportTo(receiver)
          .property("stallwatch.blocks", "BlockNesting#outer,BlockNesting#inner,BlockNesting#recursive,"
              + "dev.stallwatch.testapps.BlockNesting#fail*")
          .runToEnd(Duration.ofSeconds(30));
      assertThat(result.exitCode()).isZero();
      assertThat(result.stdout()).contains("caught block 42 is corrupt").contains("done");
      assertThat(result.stderr()).isEmpty();

      Span failing = receiver.awaitSpan(s -> s.getName().equals("BlockNesting.failing"), Duration.ofSeconds(10));
      Span outer = receiver.awaitSpan(s -> s.getName().equals("BlockNesting.outer"), Duration.ofSeconds(10));
      assertThat(outer.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_INTERNAL);
      assertThat(OtlpReceiver.attribute(outer.getAttributesList(), "code.function.name")).isEqualTo(APP + ".outer");
      assertThat(OtlpReceiver.attribute(outer.getAttributesList(), "stallwatch.operation.kind")).isEqualTo("block");
      assertThat(OtlpReceiver.attribute(outer.getAttributesList(), "thread.name")).isEqualTo("main");
      assertThat(outer.getParentSpanId().isEmpty()).as("outer is a root span").isTrue();

      List<Span> inner = spans(receiver, "BlockNesting.inner");
      assertThat(inner).hasSize(2).allSatisfy(s -> {
        assertThat(s.getParentSpanId()).isEqualTo(outer.getSpanId());
        assertThat(s.getTraceId()).isEqualTo(outer.getTraceId());
      });
      assertThat(spans(receiver, "BlockNesting.recursive")).as("recursion is one span").hasSize(1);

      assertThat(failing.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
      assertThat(OtlpReceiver.attribute(failing.getAttributesList(), "error.type"))
          .isEqualTo("java.lang.IllegalStateException");
      assertThat(failing.getEventsList()).filteredOn(e -> e.getName().equals("exception")).singleElement()
          .satisfies(e -> {
            assertThat(OtlpReceiver.attribute(e.getAttributesList(), "exception.type"))
                .isEqualTo("java.lang.IllegalStateException");
            assertThat(OtlpReceiver.attribute(e.getAttributesList(), "exception.message"))
                .isEqualTo("block 42 is corrupt");
          });
      assertThat(outer.getStatus().getCode()).isNotEqualTo(Status.StatusCode.STATUS_CODE_ERROR);

      List<Metric> histograms = receiver.metrics("stallwatch.block.duration");
      assertThat(histograms).isNotEmpty().allSatisfy(m -> assertThat(m.getUnit()).isEqualTo("s"));
      assertThat(maxCount(histograms, APP + ".inner")).isEqualTo(2);
      assertThat(maxCount(histograms, APP + ".outer")).isEqualTo(1);
      assertThat(maxCount(histograms, APP + ".recursive")).isEqualTo(1);
      assertThat(histograms.stream().flatMap(m -> m.getHistogram().getDataPointsList().stream())
          .filter(p -> (APP + ".failing").equals(OtlpReceiver.attribute(p.getAttributesList(), "code.function.name"))))
          .isNotEmpty()
          .allSatisfy(p -> assertThat(OtlpReceiver.attribute(p.getAttributesList(), "error.type"))
              .isEqualTo("java.lang.IllegalStateException"));
      double innerSum = histograms.stream().flatMap(m -> m.getHistogram().getDataPointsList().stream())
          .filter(p -> (APP + ".inner").equals(OtlpReceiver.attribute(p.getAttributesList(), "code.function.name")))
          .mapToDouble(HistogramDataPoint::getSum).max().orElse(0);
      assertThat(innerSum).as("two 5 ms sleeps, in seconds").isBetween(0.009, 1.0);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void interfacePatternMatchesItsImplementations(Jdk jdk) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      RunningJvm.Result result = ForkedJvm.run(jdk, BlockInterfaces.class).exportTo(receiver)
          .property("stallwatch.blocks", "BlockRewriter#rewrite")
          .runToEnd(Duration.ofSeconds(30));
      assertThat(result.stdout()).contains("rewritten 'HELLO!'");

      receiver.awaitSpan(s -> s.getName().equals("BlockShoutingRewriter.rewrite"), Duration.ofSeconds(10));
      Span viaAbstract =
          receiver.awaitSpan(s -> s.getName().equals("BlockTrimmingRewriter.rewrite"), Duration.ofSeconds(10));
      assertThat(OtlpReceiver.attribute(viaAbstract.getAttributesList(), "code.function.name"))
          .isEqualTo("dev.stallwatch.testapps.BlockTrimmingRewriter.rewrite");
      assertThat(receiver.spans()).extracting(Span::getName)
          .as("a class that does not implement the interface is not matched")
          .doesNotContain("BlockUnrelatedRewriter.rewrite")
          .containsOnly("BlockShoutingRewriter.rewrite", "BlockTrimmingRewriter.rewrite");
    }
  }

  private static List<Span> spans(OtlpReceiver receiver, String name) {
    return receiver.spans().stream().filter(s -> s.getName().equals(name)).toList();
  }

  private static long maxCount(List<Metric> histograms, String function) {
    return histograms.stream().flatMap(m -> m.getHistogram().getDataPointsList().stream())
        .filter(p -> function.equals(OtlpReceiver.attribute(p.getAttributesList(), "code.function.name")))
        .mapToLong(HistogramDataPoint::getCount).max().orElse(-1);
  }
}
