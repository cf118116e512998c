package dev.stallwatch.locks;

import dev.stallwatch.bootstrap.StallwatchCompletedWait;
import dev.stallwatch.bootstrap.StallwatchLockWaits;
import dev.stallwatch.permits.ContainerPermitSites;
import dev.stallwatch.permits.HeldPermit;
import dev.stallwatch.report.LockNames;
import dev.stallwatch.telemetry.TelemetryNames;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.IntFunction;

/**
 * Lock and permit metrics. Waits are measured by the waiting thread and recorded here, on the watchdog thread, so
 * that the SDK's own synchronisation never runs inside an application's lock slow path. Cardinality is bounded:
 * at most {@value #MAX_SITES} lock sites and {@value #MAX_SEMAPHORES} semaphores get series of their own.
 */
public final class LockMetrics {
  static final int MAX_SITES = 200;
  static final int MAX_SEMAPHORES = 50;
  private static final String OTHER = "other";


  private final DoubleHistogram waitDuration;
  private final Set<String> knownSites = new HashSet<>();
  /** Semaphores seen with permits out, with the first site that took one; watchdog thread only. */
  private final Map<Semaphore, String> semaphores = new WeakHashMap<>();
  /** What the gauges report, replaced whole by the watchdog and read by the metric reader's thread. */
  private volatile List<SemaphoreSample> samples = List.of();

  public LockMetrics(Meter meter) {
    waitDuration = meter.histogramBuilder(TelemetryNames.LOCK_WAIT_DURATION_METRIC)
        .setUnit("s")
        .setDescription("Time threads waited to acquire a contended lock or permit (waits of 1 ms or more)")
        .build();
    meter.upDownCounterBuilder(TelemetryNames.SEMAPHORE_PERMITS_IN_USE_METRIC)
        .setUnit("{permit}")
        .setDescription("Permits acquired and not yet released, per semaphore")
        .buildWithCallback(m -> samples.forEach(s -> m.record(s.inUse, s.attributes)));
    meter.upDownCounterBuilder(TelemetryNames.SEMAPHORE_PERMITS_AVAILABLE_METRIC)
        .setUnit("{permit}")
        .setDescription("Permits available, per semaphore")
        .buildWithCallback(m -> samples.forEach(s -> m.record(s.available, s.attributes)));
  }

  /** Watchdog: records the waits finished since the last call and refreshes the semaphore gauges. */
  public void update(List<HeldPermit> heldPermits, IntFunction<String> site) {
    for (StallwatchCompletedWait w = StallwatchLockWaits.pollCompleted(); w != null;
        w = StallwatchLockWaits.pollCompleted()) {
      waitDuration.record(w.nanos / 1e9, Attributes.of(
          TelemetryNames.LOCK_CLASS, LockNames.lockClass(w.synchronizerClass),
          TelemetryNames.LOCK_SITE, boundedSite(w.site(site))));
    }
    refreshSemaphores(heldPermits, site);
  }

  private String boundedSite(String site) {
    if (site == null) {
      return OTHER;
    }
    if (knownSites.contains(site)) {
      return site;
    }
    if (knownSites.size() < MAX_SITES) {
      knownSites.add(site);
      return site;
    }
    return OTHER;
  }

  private void refreshSemaphores(List<HeldPermit> heldPermits, IntFunction<String> site) {
    Map<Semaphore, Integer> inUse = new HashMap<>();
    for (HeldPermit p : heldPermits) {
      if (p.semaphore() instanceof Semaphore s && !ContainerPermitSites.isContainerInternal(site.apply(p.site()))) {
        inUse.merge(s, p.permits(), Integer::sum);
        if (!semaphores.containsKey(s) && semaphores.size() < MAX_SEMAPHORES) {
          semaphores.put(s, site.apply(p.site()));
        }
      }
    }
    List<SemaphoreSample> next = new ArrayList<>();
    for (Map.Entry<Semaphore, String> e : semaphores.entrySet()) {
      Attributes attributes = Attributes.of(TelemetryNames.SEMAPHORE, LockNames.identity(e.getKey()),
          TelemetryNames.SEMAPHORE_SITE, e.getValue());
      next.add(new SemaphoreSample(attributes, inUse.getOrDefault(e.getKey(), 0), e.getKey().availablePermits()));
    }
    samples = next;
  }

  private record SemaphoreSample(Attributes attributes, long inUse, long available) {}
}
