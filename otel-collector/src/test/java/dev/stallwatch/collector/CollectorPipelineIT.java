package dev.stallwatch.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stallwatch.sample.RewriteServiceBugs;
import dev.stallwatch.testing.ForkedJvm;
import dev.stallwatch.testing.Jdk;
import dev.stallwatch.testing.OtlpReceiver;
import dev.stallwatch.testing.RunningJvm;
import dev.stallwatch.testapps.websocket.TomcatServer;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The sample's bugs and a WebSocket service run under the agent, exporting to the real collector in a container: the
 * spans come out of the collector's trace exporter (a block method's span the child of the WebSocket message's), the detections out of its detections file, the metrics out of its Prometheus endpoint
 * as scraped by a real Prometheus, and every query of the shipped dashboard finds data.
 */
class CollectorPipelineIT {
  @Test
  void spansDetectionsAndMetricsGoThroughTheRealCollector() throws Exception {
    try (OtlpReceiver jaeger = new OtlpReceiver();
        RunningCollector collector = RunningCollector.start(jaeger.endpoint());
        PrometheusServer prometheus = PrometheusServer.start(
            List.of(collector.prometheusTarget(), collector.internalMetricsTarget()))) {
      RunningJvm.Result app = exportingTo(collector, ForkedJvm.run(Jdk.current(), RewriteServiceBugs.class))
          .classpath(codeSource(RewriteServiceBugs.class))
          .property("otel.service.name", "rewrite-service")
          .property("stallwatch.permit.leak.threshold", "2s")
          .property("stallwatch.blocks", "RewriteServiceBugs#rewriteDocumentBlock=1s")
          .runToEnd(Duration.ofSeconds(90));
      assertThat(app.exitCode()).as(app.stderr()).isZero();

      // A WebSocket service on Tomcat (the agent's test service): a handler that calls a block method, one that
      // throws and has its session closed with 1011.
      RunningJvm.Result websocket = exportingTo(collector, ForkedJvm.run(Jdk.current(), TomcatServer.class, "5"))
          .classpath(codeSource(TomcatServer.class))
          .classpathFrom("stallwatch.test.server.tomcat")
          .property("otel.service.name", "rewrite-websocket")
          .property("stallwatch.blocks", "JakartaEndpoints$RewriteEndpoint#rewriteBlock")
          .runToEnd(Duration.ofSeconds(60));
      assertThat(websocket.exitCode()).as(websocket.stderr()).isZero();
      Span rewriteBlock = jaeger.awaitSpan(s -> s.getName().equals("JakartaEndpoints$RewriteEndpoint.rewriteBlock"),
          Duration.ofSeconds(20));
      Span message = jaeger.awaitSpan(s -> s.getSpanId().equals(rewriteBlock.getParentSpanId()),
          Duration.ofSeconds(5));
      assertThat(message.getName()).as("the block's parent, through the collector")
          .isEqualTo("websocket message /rewrite/{document}");
      assertThat(message.getTraceId()).isEqualTo(rewriteBlock.getTraceId());

      // The runaway block: three times its budget.
      Span block = jaeger.awaitSpan(s -> s.getName().equals("RewriteServiceBugs.rewriteDocumentBlock")
          && s.getEndTimeUnixNano() - s.getStartTimeUnixNano() > 2_000_000_000L, Duration.ofSeconds(20));
      assertThat(block.getEventsList()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("stallwatch.detection"));

      Set<String> kinds = await(() -> {
        Set<String> seen = new TreeSet<>();
        for (JsonNode record : collector.detectionRecords()) {
          seen.add(RunningCollector.attribute(record, "stallwatch.detection.kind"));
        }
        return seen.containsAll(Set.of("deadlock", "lock_wait", "permit_leak", "runaway", "websocket_error"))
            ? seen : null;
      }, Duration.ofSeconds(20), "every detection kind in the collector's detections file");
      assertThat(kinds).doesNotContainNull();
      JsonNode leak = collector.detectionRecords().stream()
          .filter(r -> "permit_leak".equals(RunningCollector.attribute(r, "stallwatch.detection.kind")))
          .findFirst().orElseThrow();
      assertThat(RunningCollector.attribute(leak, "code.stacktrace"))
          .contains("dev.stallwatch.sample.RewriteServiceBugs.rewriteBlock(");

      JsonNode detections = await(() -> {
        JsonNode result = prometheus.query("sum by (stallwatch_detection_kind) (stallwatch_detections_total)");
        return result.size() >= 5 ? result : null;
      }, Duration.ofSeconds(20), "stallwatch_detections_total in Prometheus, scraped from the collector");
      assertThat(detections).hasSizeGreaterThanOrEqualTo(5);

      for (String query : Dashboard.queries()) {
        JsonNode series = await(() -> {
          JsonNode result = prometheus.query(query);
          return result.isEmpty() ? null : result;
        }, Duration.ofSeconds(15), "a series for the dashboard query " + query);
        assertThat(series).as(query).isNotEmpty();
      }
    }
  }

  /** Every signal over OTLP/HTTP to the collector, metrics every half second. */
  static ForkedJvm exportingTo(RunningCollector collector, ForkedJvm jvm) {
    return jvm.property("otel.exporter.otlp.endpoint", collector.otlpHttpEndpoint())
        .property("otel.traces.exporter", "otlp")
        .property("otel.metrics.exporter", "otlp")
        .property("otel.logs.exporter", "otlp")
        .property("otel.metric.export.interval", "500");
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
