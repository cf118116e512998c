package dev.stallwatch.bootstrap;

/**
 * The watchdog's word to a ledger's owner that another thread's release balanced {@link #permits} permits of its
 * acquisition {@link #id}. It exists so that such a balance is never lost when it meets a stale entry: the watchdog
 * matched a release against what the last scan read, and the owner may have released that acquisition itself
 * meanwhile. Exactly one side takes it from the owner's queue: the owner, which applies what its entry still holds,
 * hands any rest back as a foreign release, then sets {@link #done}; or the watchdog, which withdraws it when the entry
 * is gone and balances the permits elsewhere. Allocated only on that rare cross-thread path, never per permit call.
 */
public final class StallwatchPermitCancellation {
  public final Object semaphore;
  public final long id;
  public final int permits;
  /** Set by whoever applied it, after the ledger shows the change; the watchdog reads it before its next scan. */
  public volatile boolean done;

  public StallwatchPermitCancellation(Object semaphore, long id, int permits) {
    this.semaphore = semaphore;
    this.id = id;
    this.permits = permits;
  }
}
