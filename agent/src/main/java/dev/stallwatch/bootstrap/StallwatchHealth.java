package dev.stallwatch.bootstrap;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's own health: what it had to drop or could not do. Each counter moves only on a path that is already
 * exceptional (a full queue, an overflowing ledger, a hook that caught an error), so counting costs the hot path
 * nothing. The agent exports them as {@code stallwatch.agent.*} metrics and says each once on stderr when it first
 * moves; a healthy program keeps them all at zero.
 */
public final class StallwatchHealth {
  /** Finished lock waits not measured because the watchdog fell behind (their histogram entries are missing). */
  public static final AtomicLong droppedLockWaits = new AtomicLong();
  /** Permits acquired while the thread's ledger was full, so never accounted (a leak of them would be missed). */
  public static final AtomicLong untrackedPermits = new AtomicLong();
  /**
   * Releases by a thread that held none of the permits, dropped because the watchdog fell behind. After the first,
   * permit accounting can no longer be trusted, so permit leaks are no longer reported (a drop must never turn into a
   * false leak).
   */
  public static final AtomicLong droppedForeignReleases = new AtomicLong();
  /** Errors that hooks, advice and class transformers caught so that the application never sees them. */
  public static final AtomicLong swallowedErrors = new AtomicLong();
  /** Watchdog scans that started more than a second late (starved of CPU, or a clock jump). */
  public static final AtomicLong lateWatchdogScans = new AtomicLong();

  private StallwatchHealth() {}

  /** Called from a catch block that keeps an error from the application. */
  public static void swallowed(Throwable t) {
    swallowedErrors.incrementAndGet();
  }
}
