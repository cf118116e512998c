package dev.stallwatch.sample.rewrite;

import java.util.concurrent.Semaphore;
import org.springframework.stereotype.Component;

/**
 * The service's own request metrics. Guarded by a {@code Semaphore(1)} rather than a lock, as the original team
 * wrote it ("cheaper than a ReentrantLock"): it is not reentrant, so code holding it must never ask for it again.
 */
@Component
public class RewriteMetrics {
  private final RewriteSettings settings;
  private final Semaphore guard = new Semaphore(1);
  private long documents;
  private long blocks;
  private long totalMillis;
  private long maxMillis;

  public RewriteMetrics(RewriteSettings settings) {
    this.settings = settings;
  }

  public void record(int blockCount, long millis) {
    guard.acquireUninterruptibly();
    try {
      documents++;
      blocks += blockCount;
      totalMillis += millis;
      maxMillis = Math.max(maxMillis, millis);
    } finally {
      guard.release();
    }
  }

  public double averageMillis() {
    guard.acquireUninterruptibly();
    try {
      return averageHeld();
    } finally {
      guard.release();
    }
  }

  /** One line for the log: documents, blocks, average and slowest document time. */
  public String summary() {
    guard.acquireUninterruptibly();
    try {
      // The bug as it shipped: the public, guarded averageMillis() called from inside the guard waits for itself.
      double average = settings.faulty(Fault.METRICS_SELF_DEADLOCK) ? averageMillis() : averageHeld();
      return String.format("documents=%d blocks=%d average=%.1fms slowest=%dms", documents, blocks, average, maxMillis);
    } finally {
      guard.release();
    }
  }

  private double averageHeld() {
    return documents == 0 ? 0 : (double) totalMillis / documents;
  }
}
