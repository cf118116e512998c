package dev.stallwatch.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stallwatch.sample.RewriteServiceBugs;
import dev.stallwatch.testing.ForkedJvm;
import dev.stallwatch.testing.Jdk;
import dev.stallwatch.testing.OtlpReceiver;
import dev.stallwatch.testing.RunningJvm;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The sample's bugs run under the agent, exporting to the real collector in a container: the spans come out of the
 * collector's trace exporter, the detections out of its detections file, the metrics out of its Prometheus endpoint
 * as scraped by a real Prometheus, and every query of the shipped dashboard finds data.
 */
class CollectorPipelineIT {
  @Test
  void spansDetectionsAndMetricsGoThroughTheRealCollector() throws Exception {
    try (OtlpReceiver jaeger = new OtlpReceiver();
        RunningCollector collector = RunningCollector.start(jaeger.endpoint());
        PrometheusServer prometheus = PrometheusServer.start(
            List.of(collector.prometheusTarget(), collector.internalMetricsTarget()))) {
      RunningJvm.Result app = ForkedJvm.run(Jdk.current(), RewriteServiceBugs.class)
          .classpath(codeSource(RewriteServiceBugs.class))
          .property("otel.service.name", "rewrite-service")
          .property("otel.exporter.otlp.endpoint", collector.otlpHttpEndpoint())
          .property("otel.traces.exporter", "otlp")
          .property("otel.metrics.exporter", "otlp")
          .property("otel.logs.exporter", "otlp")
          .property("otel.metric.export.interval", "500")
          .property("stallwatch.permit.leak.threshold", "2s")
          .property("stallwatch.blocks", "RewriteServiceBugs#rewriteDocumentBlock=1s")
          .runToEnd(Duration.ofSeconds(90));
      assertThat(app.exitCode()).as(app.stderr()).isZero();

      // The runaway block: three times its budget.
      Span block = jaeger.awaitSpan(s -> s.getName().equals("RewriteServiceBugs.rewriteDocumentBlock")
          && s.getEndTimeUnixNano() - s.getStartTimeUnixNano() > 2_000_000_000L, Duration.ofSeconds(20));
      assertThat(block.getEventsList()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("stallwatch.detection"));

      Set<String> kinds = await(() -> {
        Set<String> seen = new TreeSet<>();
        for (JsonNode record : collector.detectionRecords()) {
          seen.add(RunningCollector.attribute(record, "stallwatch.detection.kind"));
        }
        return seen.containsAll(Set.of("deadlock", "lock_wait", "permit_leak", "runaway")) ? seen : null;
      }, Duration.ofSeconds(20), "all four detection kinds in the collector's detections file");
      assertThat(kinds).doesNotContainNull();
      JsonNode leak = collector.detectionRecords().stream()
          .filter(r -> "permit_leak".equals(RunningCollector.attribute(r, "stallwatch.detection.kind")))
          .findFirst().orElseThrow();
      assertThat(RunningCollector.attribute(leak, "code.stacktrace"))
          .contains("dev.stallwatch.sample.RewriteServiceBugs.rewriteBlock(");

      JsonNode detections = await(() -> {
        JsonNode result = prometheus.query("sum by (stallwatch_detection_kind) (stallwatch_detections_total)");
        return result.size() >= 4 ? result : null;
      }, Duration.ofSeconds(20), "stallwatch_detections_total in Prometheus, scraped from the collector");
      assertThat(detections).hasSizeGreaterThanOrEqualTo(4);

      for (String query : Dashboard.queries()) {
        JsonNode series = await(() -> {
          JsonNode result = prometheus.query(query);
          return result.isEmpty() ? null : result;
        }, Duration.ofSeconds(15), "a series for the dashboard query " + query);
        assertThat(series).as(query).isNotEmpty();
      }
    }
  }

  static Path codeSource(Class<?> type) throws Exception {
    return Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  interface Probe<T> {
    T poll() throws Exception;
  }

  /** Polls until the probe returns non-null; fails naming what was awaited. */
  static <T> T await(Probe<T> probe, Duration timeout, String what) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      T value = probe.poll();
      if (value != null) {
        return value;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("waited " + timeout + " for " + what);
      }
      Thread.sleep(250);
    }
  }
}
