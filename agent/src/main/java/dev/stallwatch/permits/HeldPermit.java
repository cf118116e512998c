package dev.stallwatch.permits;

import dev.stallwatch.bootstrap.StallwatchThreadState;

/**
 * One acquisition of permits as the watchdog saw it on one scan.
 *
 * @param thread the holding thread, or null once it is gone
 * @param permits permits of this acquisition still out, after other threads' releases balanced some
 */
public record HeldPermit(StallwatchThreadState owner, Thread thread, long id, Object semaphore, int permits, int site,
    long sinceMillis) {

  Key key() {
    return new Key(owner, id);
  }

  public String holderName() {
    return thread != null ? thread.getName() : owner.threadName;
  }

  public boolean holderAlive() {
    return thread != null && thread.isAlive();
  }

  /** Identifies one acquisition across scans: its owner's state (by identity) and the owner's sequence number. */
  public record Key(StallwatchThreadState owner, long id) {}
}
