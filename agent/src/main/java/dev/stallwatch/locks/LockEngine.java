package dev.stallwatch.locks;

import dev.stallwatch.bootstrap.StallwatchClock;
import dev.stallwatch.config.StallwatchConfig;
import dev.stallwatch.permits.CallSites;
import dev.stallwatch.permits.PermitBook;
import dev.stallwatch.permits.PermitLeakDetector;
import dev.stallwatch.report.Detections;

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
}
