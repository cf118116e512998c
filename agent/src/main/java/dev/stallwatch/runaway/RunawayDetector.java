package dev.stallwatch.runaway;

import dev.stallwatch.report.Detection;
import dev.stallwatch.report.DetectionKind;
import dev.stallwatch.report.Detections;
import dev.stallwatch.report.Stacks;
import dev.stallwatch.telemetry.TelemetryNames;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.SpanContext;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runaway watchdog: an instrumented operation still running past its threshold is reported once, while it runs,
 * with its thread's live stack, as a {@code runaway} detection with {@code "phase":"running"} attached to the
 * operation's span. When such an operation finally ends, that is reported once more, as a {@code runaway} detection
 * with {@code "phase":"ended"} and the total duration (as HikariCP says a leaked connection was returned).
 *
 * <p>Metrics: {@code stallwatch.operations.active} (in-flight operations by kind, observed at export) and
 * {@code stallwatch.runaways} (operations found running away, by kind, counted once each; the
 * {@code stallwatch.detections} counter counts both phases).
 */
public final class RunawayDetector implements Runnable {
  /** How often the watchdog looks: reports come at most this late after the threshold. */
  public static final Duration SCAN_INTERVAL = Duration.ofMillis(100);

  private final InFlightOperations operations;
  private final Detections detections;
  private final LongCounter runaways;
  private final Map<String, Attributes> kindAttributes = new ConcurrentHashMap<>();

  RunawayDetector(InFlightOperations operations, Detections detections, Meter meter) {
    this.operations = operations;
    this.detections = detections;
    this.runaways = meter == null ? null : meter.counterBuilder(TelemetryNames.RUNAWAYS_METRIC)
        .setDescription("Instrumented operations found running past their runaway threshold, by kind")
        .setUnit("{operation}")
        .build();
    operations.onRunawayEnded(this::reportEnded);
  }

  /**
   * Creates the one registry of in-flight operations, and runs its runaway watchdog and metrics.
   *
   * @return the registry every kind of instrumented operation records itself in
   */
  public static InFlightOperations install(Detections detections, Meter meter, Watchdog watchdog) {
    InFlightOperations operations = new InFlightOperations();
    detections.useThreadSpans(operations);
    RunawayDetector detector = new RunawayDetector(operations, detections, meter);
    Set<String> kindsSeen = ConcurrentHashMap.newKeySet();
    meter.upDownCounterBuilder(TelemetryNames.ACTIVE_OPERATIONS_METRIC)
        .setDescription("Instrumented operations running now, by kind")
        .setUnit("{operation}")
        .buildWithCallback(measurement -> {
          Map<String, Long> counts = operations.countByKind();
          kindsSeen.addAll(counts.keySet());
          for (String kind : kindsSeen) {
            measurement.record(counts.getOrDefault(kind, 0L), detector.attributes(kind));
          }
        });
    watchdog.every(SCAN_INTERVAL, detector);
    return operations;
  }

  @Override
  public void run() {
    scan(System.nanoTime());
  }

  void scan(long nowNanos) {
    operations.forEachRunning(op -> {
      if (nowNanos - op.startNanos() > op.thresholdNanos() && op.startReport()) {
        reportRunning(op);
        if (!op.finishReport()) {
          reportEnded(op);
        }
      }
    });
  }

  private void reportRunning(Operation op) {
    StackTraceElement[] stack = op.thread().getStackTrace();
    long runningMillis = (System.nanoTime() - op.startNanos()) / 1_000_000;
    long thresholdMillis = op.thresholdNanos() / 1_000_000;
    String threadName = op.thread().getName();
    Map<String, Object> details = details(op, "running", thresholdMillis, "runningMillis", runningMillis);
    String message = "The " + op.kind() + " " + op.name() + " has been running for " + runningMillis
        + " ms on thread \"" + threadName + "\", past its runaway threshold of " + thresholdMillis + " ms.";
    detections.report(Detection.of(DetectionKind.RUNAWAY, threadName, message, Stacks.toStrings(stack), details)
        .onSpan(op.span()));
    if (runaways != null) {
      runaways.add(1, attributes(op.kind()));
    }
  }

  private void reportEnded(Operation op) {
    long durationMillis = (op.endNanos() - op.startNanos()) / 1_000_000;
    long thresholdMillis = op.thresholdNanos() / 1_000_000;
    Map<String, Object> details = details(op, "ended", thresholdMillis, "durationMillis", durationMillis);
    String message = "The previously reported runaway " + op.kind() + " " + op.name() + " ended after "
        + durationMillis + " ms (runaway threshold " + thresholdMillis + " ms).";
    detections.report(Detection.of(DetectionKind.RUNAWAY, op.thread().getName(), message, List.of(), details)
        .onSpan(op.span()));
  }

  private static Map<String, Object> details(Operation op, String phase, long thresholdMillis, String timeKey,
      long millis) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("phase", phase);
    details.put("operation", op.name());
    details.put("operationKind", op.kind());
    details.put("thresholdMillis", thresholdMillis);
    details.put(timeKey, millis);
    details.putAll(op.details());
    SpanContext context = op.span().getSpanContext();
    if (context.isValid()) {
      details.put("traceId", context.getTraceId());
      details.put("spanId", context.getSpanId());
    }
    return details;
  }

  private Attributes attributes(String kind) {
    return kindAttributes.computeIfAbsent(kind, k -> Attributes.of(TelemetryNames.OPERATION_KIND, k));
  }
}
