package dev.stallwatch.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stallwatch.sample.RewriteServiceUnderAgent;
import dev.stallwatch.sample.rewrite.BlockRewriter;
import dev.stallwatch.sample.rewrite.RewriteSocketHandler;
import dev.stallwatch.testing.ForkedJvm;
import dev.stallwatch.testing.Jdk;
import dev.stallwatch.testing.OtlpReceiver;
import dev.stallwatch.testing.RunningJvm;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample rewrite service, its faults switched on and driven by the load driver's WebSocket clients, runs under the
 * agent exporting to the real collector in a container: the spans come out of the collector's trace exporter (a block
 * method's span the child of the WebSocket message's), the detections out of its detections file, the metrics out of
 * its Prometheus endpoint as scraped by a real Prometheus, and every query of the shipped dashboard finds data.
 *
 * <p>That Prometheus evaluates the shipped alerting rules, with every {@code for:} shortened from minutes to as many
 * times 10 seconds ({@link AlertRules#copyWithShortFor}), since each run lasts seconds: the service without faults
 * fires none, and the faults fire the deadlock, permit leak, semaphore exhaustion and runaway alerts.
 */
class CollectorPipelineIT {
  @Test
  void spansDetectionsAndMetricsGoThroughTheRealCollector(@TempDir Path rules) throws Exception {
    try (OtlpReceiver jaeger = new OtlpReceiver();
        RunningCollector collector = RunningCollector.start(jaeger.endpoint());
        PrometheusServer prometheus = PrometheusServer.start(
            List.of(collector.prometheusTarget(), collector.internalMetricsTarget()),
            AlertRules.copyWithShortFor(rules))) {
      // First the service without faults, under the same load: no alert fires, while it runs or in the seconds
      // after (its last values stay in the collector's exporter, as a stopped service's do).
      runRewriteService(collector, "none");
      Thread.sleep(15_000);
      assertThat(alerts(prometheus, "firing")).as("alerts fired by the service without faults").isEmpty();
      System.out.println("[alerts] pending during the run without faults: " + alerts(prometheus, "pending"));

      // The sample rewrite service under load, first with the faults that can run side by side (a block retried
      // for seconds, a handler that throws, a slow write under a hot lock), then with each of two that stall it on
      // its own (a lock-order deadlock; provider slots lost on the timeout path, after which documents crawl and
      // sessions close too rarely for the deadlock).
      // The runaway block is awaited to its end, so that its span (ended, then exported) is there to check.
      runRewriteService(collector, "runaway-block,handler-crash,hot-lock", "runaway", "websocket_error", "lock_wait",
          "runaway:ended");
      runRewriteService(collector, "lock-order-deadlock", "deadlock");
      runRewriteService(collector, "permit-leak", "permit_leak");

      // The WebSocket -> block parent chain, through the collector: a block rewritten while handling a message.
      Span rewriteBlock = jaeger.awaitSpan(s -> s.getName().equals("BlockRewriter.rewriteBlock")
          && !s.getParentSpanId().isEmpty(), Duration.ofSeconds(20));
      Span message = jaeger.awaitSpan(s -> s.getSpanId().equals(rewriteBlock.getParentSpanId()),
          Duration.ofSeconds(5));
      assertThat(message.getName()).as("the block's parent, through the collector")
          .isEqualTo("websocket message " + RewriteSocketHandler.class.getName());
      assertThat(message.getTraceId()).isEqualTo(rewriteBlock.getTraceId());

      // The runaway block, past its 2 s budget, carries its detection as a span event.
      Span block = jaeger.awaitSpan(s -> s.getName().equals("BlockRewriter.rewriteBlock")
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
          .contains(BlockRewriter.class.getName() + ".callProvider(");

      JsonNode detections = await(() -> {
        JsonNode result = prometheus.query("sum by (stallwatch_detection_kind) (stallwatch_detections_total)");
        return result.size() >= 5 ? result : null;
      }, Duration.ofSeconds(20), "stallwatch_detections_total in Prometheus, scraped from the collector");
      assertThat(detections).hasSizeGreaterThanOrEqualTo(5);

      Set<String> expected = Set.of("StallwatchDeadlock", "StallwatchPermitLeak", "StallwatchSemaphoreExhausted",
          "StallwatchRunawayRunning");
      Set<String> fired = new TreeSet<>();
      try {
        await(() -> {
          fired.addAll(alerts(prometheus, "firing"));
          return fired.containsAll(expected) ? fired : null;
        }, Duration.ofSeconds(30), "the alerts " + expected + " firing in Prometheus");
      } finally {
        System.out.println("[alerts] fired by the faults: " + fired + "; handler error ratio per endpoint: "
            + prometheus.query("max_over_time(stallwatch:websocket_handler_errors:ratio15m[1h])"));
      }

      for (String query : Dashboard.queries()) {
        JsonNode series = await(() -> {
          JsonNode result = prometheus.query(query);
          return result.isEmpty() ? null : result;
        }, Duration.ofSeconds(15), "a series for the dashboard query " + query);
        assertThat(series).as(query).isNotEmpty();
      }
    }
  }

  /** The alerts that were in {@code state} at any time of the test, from Prometheus's own ALERTS series. */
  static Set<String> alerts(PrometheusServer prometheus, String state) throws Exception {
    Set<String> names = new TreeSet<>();
    for (JsonNode series : prometheus.query(
        "count by (alertname) (max_over_time(ALERTS{alertstate=\"" + state + "\"}[1h]))")) {
      names.add(series.path("metric").path("alertname").asText());
    }
    return names;
  }

  /**
   * Runs the rewrite service with {@code faults} switched on under load until every one of {@code kinds} is in its
   * detections file ({@code kind} or {@code kind:words of its message}), then stops it as a service is stopped, so
   * that what it queued is exported.
   */
  static void runRewriteService(RunningCollector collector, String faults, String... kinds) throws Exception {
    try (RunningJvm service = exportingTo(collector, RewriteServiceUnderAgent.service(Jdk.current(), faults)).start()) {
      RewriteServiceUnderAgent.drive(service, Duration.ofSeconds(6));
      for (String expected : kinds) {
        String kind = expected.split(":")[0];
        String words = expected.contains(":") ? expected.substring(kind.length() + 1) : "";
        service.awaitDetection(d -> kind.equals(d.path("kind").asText())
            && d.path("message").asText().contains(words), Duration.ofSeconds(20));
      }
      Thread.sleep(1_000);
      service.stop(Duration.ofSeconds(15));
    }
  }

  /** Every signal over OTLP/HTTP to the collector, metrics every half second. */
  static ForkedJvm exportingTo(RunningCollector collector, ForkedJvm jvm) {
    return jvm.property("otel.exporter.otlp.endpoint", collector.otlpHttpEndpoint())
        .property("otel.traces.exporter", "otlp")
        .property("otel.metrics.exporter", "otlp")
        .property("otel.logs.exporter", "otlp")
        .property("otel.metric.export.interval", "500")
        .property("otel.bsp.schedule.delay", "200")
        .property("otel.blrp.schedule.delay", "200");
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
