package dev.stallwatch.testapps;

import java.util.concurrent.Semaphore;

/**
 * The seed's metrics bug: a Semaphore(1) used as a lock, taken again by the same thread through a helper, so the
 * thread waits for a permit only it could release.
 */
public final class SemaphoreSelfDeadlock {
  private static final Semaphore METRICS_LOCK = new Semaphore(1);
  private static long requests;

  public static void main(String[] args) throws Exception {
    Thread reporter = new Thread(SemaphoreSelfDeadlock::summary, "metrics-reporter");
    reporter.setDaemon(true);
    reporter.start();
    while (reporter.getState() != Thread.State.WAITING) {
      Thread.sleep(1);
    }
    System.out.println("self-deadlock formed at " + System.currentTimeMillis());
    Thread.sleep(Long.MAX_VALUE);
  }

  static String summary() {
    METRICS_LOCK.acquireUninterruptibly();
    try {
      return "requests=" + snapshot();
    } finally {
      METRICS_LOCK.release();
    }
  }

  static long snapshot() {
    METRICS_LOCK.acquireUninterruptibly(); // BUG: not reentrant
    try {
      return requests;
    } finally {
      METRICS_LOCK.release();
    }
  }
}
