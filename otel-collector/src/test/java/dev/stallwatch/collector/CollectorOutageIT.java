package dev.stallwatch.collector;

import static dev.stallwatch.collector.CollectorPipelineIT.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stallwatch.collector.apps.SteadyWorkload;
import dev.stallwatch.testing.ForkedJvm;
import dev.stallwatch.testing.Jdk;
import dev.stallwatch.testing.OtlpReceiver;
import dev.stallwatch.testing.RunningJvm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The collector goes away for 60 seconds in the middle of a steady load and comes back. The application under the
 * agent must not notice: the same throughput, no exception, bounded memory; export must resume by itself, and what
 * could not be delivered meanwhile must be counted and said, not lost in silence.
 */
class CollectorOutageIT {
  private static final int RUN_SECONDS = 120;
  private static final int OUTAGE_STARTS = 30;
  private static final int OUTAGE_SECONDS = 60;

  @Test
  void anOutageOfTheCollectorCostsTheApplicationNothingAndExportResumes() throws Exception {
    try (OtlpReceiver jaeger = new OtlpReceiver();
        RunningCollector collector = RunningCollector.start(jaeger.endpoint());
        RunningJvm app = CollectorPipelineIT.exportingTo(collector,
                ForkedJvm.run(Jdk.current(), SteadyWorkload.class, String.valueOf(RUN_SECONDS)))
            .jvmOption("-Xmx256m")
            .property("otel.service.name", "steady-workload")
            .property("otel.metric.export.interval", "1000")
            .property("otel.bsp.schedule.delay", "200")
            .property("stallwatch.blocks", "SteadyWorkload#processBlock")
            .start()) {
      app.awaitStdout("ops " + OUTAGE_STARTS + " ", Duration.ofSeconds(OUTAGE_STARTS + 30));
      assertThat(jaeger.spans()).as("spans arrive before the outage").isNotEmpty();

      collector.stopForOutage();
      long outageStart = System.nanoTime();
      Thread.sleep(Duration.ofSeconds(OUTAGE_SECONDS).toMillis());
      collector.restartAfterOutage();
      long restartedAtEpochNanos = System.currentTimeMillis() * 1_000_000L;
      long outageSeconds = (System.nanoTime() - outageStart) / 1_000_000_000L;

      await(() -> jaeger.spans().stream().anyMatch(s -> s.getStartTimeUnixNano() > restartedAtEpochNanos)
          ? true : null, Duration.ofSeconds(30), "spans started after the collector came back");

      // What could not be delivered is counted by the SDK's own metrics, which reach the collector once it is back.
      String failedExports = await(() -> {
        String metrics = collector.scrapeMetrics();
        return failedSpanExports(metrics) > 0 ? metrics : null;
      }, Duration.ofSeconds(30), "a count of failed span exports for steady-workload at the collector");
      assertThat(failedSpanExports(failedExports)).isPositive();

      RunningJvm.Result result = app.awaitExit(Duration.ofSeconds(RUN_SECONDS));
      assertThat(result.exitCode()).as(result.stdout()).isZero();
      assertThat(result.stdout()).doesNotContain("APP-EXCEPTION");
      result.agentLines().forEach(line -> System.out.println("agent said: " + line));
      System.out.println("failed span exports counted: " + failedSpanExports(failedExports));
      assertThat(result.agentLines()).as("the outage is said on stderr, once per kind of problem, not per batch")
          .anySatisfy(line -> assertThat(line).startsWith("[stallwatch] telemetry:"))
          .hasSizeLessThan(20);

      Map<Integer, Long> ops = series(result.stdout(), "ops");
      double before = median(ops, 11, OUTAGE_STARTS);
      int outageFrom = OUTAGE_STARTS + 3;
      int outageTo = (int) (OUTAGE_STARTS + outageSeconds - 2);
      double during = median(ops, outageFrom, outageTo);
      System.out.printf("throughput: %.0f ops/s before, %.0f ops/s during the outage (%.1f%%)%n", before, during,
          100 * during / before);
      assertThat(during).as("throughput during the outage vs before").isGreaterThanOrEqualTo(0.95 * before);

      Map<Integer, Long> heap = series(result.stdout(), "heap");
      long heapBefore = max(heap, 10, OUTAGE_STARTS);
      long heapDuring = max(heap, outageFrom, outageTo + 2);
      System.out.printf("heap after GC: %d KiB before, at most %d KiB during the outage%n", heapBefore / 1024,
          heapDuring / 1024);
      assertThat(heapDuring - heapBefore).as("heap growth during the outage (bytes)").isLessThan(32L << 20);
    }
  }

  /** {@code otlp_exporter_exported_total{...success="false",type="span"...}} of the workload's service. */
  static double failedSpanExports(String metrics) {
    double total = 0;
    for (String line : metrics.split("\n")) {
      if (line.startsWith("otlp_exporter_exported_total{") && line.contains("service_name=\"steady-workload\"")
          && line.contains("success=\"false\"") && line.contains("type=\"span\"")) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  private static Map<Integer, Long> series(String stdout, String name) {
    Map<Integer, Long> values = new TreeMap<>();
    Matcher m = Pattern.compile("(?m)^" + name + " (\\d+) (\\d+)$").matcher(stdout);
    while (m.find()) {
      values.put(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)));
    }
    return values;
  }

  /**
   * The median ops/s of the window: on two shared cores a second or two of someone else's work (the container
   * stopping and starting, a build) pulls a mean down by a few percent; the median is what the application sustained.
   */
  private static double median(Map<Integer, Long> values, int from, int to) {
    List<Long> window = new ArrayList<>(values.entrySet().stream()
        .filter(e -> e.getKey() >= from && e.getKey() <= to).map(Map.Entry::getValue).sorted().toList());
    assertThat(window).as("samples from second " + from + " to " + to).hasSizeGreaterThan((to - from) / 2);
    int n = window.size();
    return n % 2 == 1 ? window.get(n / 2) : (window.get(n / 2 - 1) + window.get(n / 2)) / 2.0;
  }

  private static long max(Map<Integer, Long> values, int from, int to) {
    return values.entrySet().stream().filter(e -> e.getKey() >= from && e.getKey() <= to)
        .mapToLong(Map.Entry::getValue).max().orElseThrow();
  }
}
