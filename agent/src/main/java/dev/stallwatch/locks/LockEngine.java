package dev.stallwatch.locks;

import dev.stallwatch.bootstrap.StallwatchClock;
import dev.stallwatch.bootstrap.StallwatchThreadState;
import dev.stallwatch.config.StallwatchConfig;
import dev.stallwatch.instrumentation.CallSites;
import dev.stallwatch.permits.PermitBook;
import dev.stallwatch.permits.PermitLeakDetector;
import dev.stallwatch.report.Detections;
import java.util.Set;

/**
 * The watchdog's periodic look at locks and permits: one walk over the tracked threads feeds the permit book, the
 * lock-wait and semaphore self-deadlock checks, the leak check, and the lock metrics.
 */
public final class LockEngine implements Runnable {
  private final PermitBook permits = new PermitBook();
  private final LockWaitDetector lockWaits;
  private final PermitLeakDetector leaks;
  private final CallSites sites;
  private final LockMetrics metrics;

  public LockEngine(StallwatchConfig config, Detections detections, CallSites sites, LockMetrics metrics) {
    this.lockWaits = new LockWaitDetector(detections, config.lockWaitThreshold());
    this.leaks = new PermitLeakDetector(detections, config.permitLeakThreshold());
    this.sites = sites;
    this.metrics = metrics;
  }

  @Override
  public void run() {
    long now = StallwatchClock.millis();
    permits.beforeScan();
    ThreadSnapshot snapshot = ThreadSnapshot.take();
    permits.update(snapshot.permits);
    lockWaits.check(snapshot, permits, now, sites::describe);
    leaks.check(permits, lockWaits.selfDeadlocked(), now, sites::describe);
    metrics.update(permits.held(), sites::describe);
  }

  /** The permit book as of the last scan; for the test scopes, which read it on the watchdog right after a scan. */
  public PermitBook permits() {
    return permits;
  }

  /** Threads found waiting on a semaphore whose every permit out they hold themselves, as of the last scan. */
  public Set<StallwatchThreadState> selfDeadlocked() {
    return lockWaits.selfDeadlocked();
  }
}
