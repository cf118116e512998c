package dev.stallwatch.blocks;

import dev.stallwatch.bootstrap.StallwatchOperationListener;
import dev.stallwatch.runaway.InFlightOperations;
import dev.stallwatch.runaway.Operation;
import dev.stallwatch.telemetry.TelemetryNames;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.List;

/**
 * What a block method call does, behind the bootstrap hooks: a span made current for the call, an entry in the
 * in-flight registry the runaway watchdog scans, and a duration in {@code stallwatch.block.duration}.
 *
 * <p>A call of a block method nested in a running call of the same method (same class and name, any overload) on the
 * same thread is not tracked again: recursion gives one span.
 */
final class BlockCalls implements StallwatchOperationListener {
  /** Seconds; from 5 ms to 5 minutes, since blocks may legitimately take long. */
  private static final List<Double> BUCKETS =
      List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0);

  private final BlockSites sites;
  private final InFlightOperations operations;
  private final Tracer tracer;
  private final DoubleHistogram durations;

  BlockCalls(BlockSites sites, InFlightOperations operations, Tracer tracer, Meter meter) {
    this.sites = sites;
    this.operations = operations;
    this.tracer = tracer;
    durations = meter.histogramBuilder(TelemetryNames.BLOCK_DURATION_METRIC)
        .setDescription("Duration of block-processing methods (stallwatch.blocks), by method")
        .setUnit("s")
        .setExplicitBucketBoundariesAdvice(BUCKETS)
        .build();
  }

  @Override
  public Object begin(int siteId) {
    BlockSite site = sites.get(siteId);
    if (site == null) {
      return null;
    }
    InFlightOperations.PerThread thread = operations.currentThread();
    if (thread.busy() || thread.isRunning(site)) {
      return null;
    }
    thread.busy(true);
    try {
      Context parent = Context.current();
      // Attributes go on the started span, and only when it records: a span the sampler dropped costs no attribute
      // map. Samplers decide on the name (the method), kind and parent.
      Span span = tracer.spanBuilder(site.spanName)
          .setParent(parent)
          .setSpanKind(SpanKind.INTERNAL)
          .startSpan();
      if (span.isRecording()) {
        span.setAllAttributes(site.spanAttributes);
        span.setAttribute(TelemetryNames.THREAD_NAME, Thread.currentThread().getName());
      }
      Operation op = operations.begin(thread, Blocks.KIND, site.qualifiedName, site, site.thresholdNanos, span,
          site.details);
      // Left open on purpose: the span stays current while the block runs, and end() closes the scope it finds here.
      @SuppressWarnings("MustBeClosedChecker")
      Scope scope = parent.with(span).makeCurrent();
      op.attach(scope);
      return op;
    } finally {
      thread.busy(false);
    }
  }

  @Override
  public void end(Object token, Throwable thrown) {
    if (!(token instanceof Operation op)) {
      return;
    }
    long now = System.nanoTime();
    InFlightOperations.PerThread thread = op.owner(); // begun on this thread: no second thread-local lookup
    thread.busy(true);
    try {
      Object scope = op.attachment();
      if (scope instanceof Scope s) {
        s.close();
      }
      Span span = op.span();
      BlockSite site = (BlockSite) op.key();
      if (thrown != null && span.isRecording()) {
        span.recordException(thrown);
        span.setStatus(StatusCode.ERROR, thrown.getClass().getName());
        span.setAttribute(TelemetryNames.ERROR_TYPE, thrown.getClass().getName());
      }
      operations.end(op, now);
      span.end();
      durations.record((now - op.startNanos()) / 1e9,
          thrown == null ? site.metricAttributes : site.errorAttributes(thrown));
    } finally {
      thread.busy(false);
    }
  }
}
